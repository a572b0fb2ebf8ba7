"""Before the event, in a real browser (Chromium against a live server): a visitor in
California reads a Brussels webinar's times on their own clock, registers answering the
event's questions (a required one first left out), confirms from the e-mail and then sees
the online link; an editor confirms the CORDIS organisation of the visitor's organisation.
Screenshots at 1366 and 390 px go to var/screenshots/."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from bilat.coordination.audit.models import Change
from bilat.coordination.events.models import Event, Question, Registration
from bilat.coordination.stakeholders.models import Organisation

from conftest import log_in, shot
from factories import link_in, make_editor, make_event

pytestmark = [pytest.mark.coordination]
LINK = "https://meet.example.org/msca-webinar"


@pytest.fixture
def webinar(site: str) -> Event:
    event = make_event(
        title="Webinar: fellowships across the Atlantic",
        kind="webinar",
        place="online",
        city="",
        country="",
        starts=date(date.today().year + 1, 1, 20),  # winter on both sides: CET and PST
        start_time=time(16),
        end_time=time(17, 30),
        timezone="Europe/Brussels",
        online_link=LINK,
    )
    event.questions.create(
        text="Your career stage",
        type=Question.Type.CHOICE,
        options="Doctoral candidate\nPostdoctoral researcher\nSenior researcher",
        required=True,
    )
    event.questions.create(
        text="May we introduce you to participants from the other side?",
        type=Question.Type.YES_NO,
        position=1,
    )
    event.questions.create(text="What would you like to ask?", position=2)
    return event


@pytest.fixture
def californian(browser: Browser) -> Page:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, timezone_id="America/Los_Angeles"
    )
    return context.new_page()


def test_a_visitor_registers_answering_the_events_questions(
    site: str, californian: Page, webinar: Event
) -> None:
    page = californian
    page.goto(f"{site}/events/{webinar.slug}/")
    when = page.locator(".when")
    expect(when).to_contain_text("16:00\u201317:30 CET (Europe/Brussels)")
    expect(when).to_contain_text("15:00\u201316:30 UTC")
    expect(when).to_contain_text("07:00\u201308:30 (America/Los_Angeles)")
    expect(page.get_by_text(LINK)).to_have_count(0)
    shot(page, "event-times-1366")
    page.get_by_role("link", name="Register").click()
    page.get_by_role("textbox", name="First name:").fill("Rosa")
    page.get_by_role("textbox", name="Last name:").fill("Visitor")
    page.get_by_role("textbox", name="E-mail:").fill("rosa.visitor@example.org")
    page.get_by_role("textbox", name="Organisation:").fill(
        "Regents of the University of California"
    )
    page.get_by_label("Country").select_option(label="United States")
    page.get_by_label("Handle my event registrations").check()
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("textbox", name="What would you like to ask?").fill(
        "<b>Can</b> a US postdoc apply? =1+1"
    )
    page.set_viewport_size({"width": 390, "height": 900})
    shot(page, "event-register-questions-390")
    # The required question left out: the browser holds the form back, so send it anyway
    # as a script-less client would, and the server says what is missing.
    page.locator("form.edit").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".errorlist")).to_contain_text("This field is required")
    assert not mail.outbox
    page.get_by_label("Your career stage").select_option("Postdoctoral researcher")
    page.get_by_label("Handle my event registrations").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_contain_text("A message is on its way")
    page.goto(site + link_in(mail.outbox[-1]))
    expect(page.get_by_text("Postdoctoral researcher")).to_be_visible()
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page.get_by_role("status")).to_contain_text("You are registered")
    registration = Registration.objects.get(person__email="rosa.visitor@example.org")
    assert {a.question.text: a.value for a in registration.answers.all()} == {
        "Your career stage": "Postdoctoral researcher",
        "May we introduce you to participants from the other side?": "yes",
        "What would you like to ask?": "<b>Can</b> a US postdoc apply? =1+1",
    }
    confirmation = mail.outbox[-1]
    assert LINK in confirmation.body  # the registrant is sent the link; the page never was
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site}/events/{webinar.slug}/")
    expect(page.get_by_text(LINK)).to_have_count(0)  # not signed in: still not shown


def test_an_editor_confirms_the_cordis_organisation_of_a_registrants_organisation(
    site: str, page: Page
) -> None:
    make_editor("coordinator", "a-long-editor-password")
    organisation = Organisation.objects.create(
        name="Regents of the University of California", country="US", side="US"
    )
    log_in(page, site, "coordinator", "a-long-editor-password")
    page.goto(f"{site}/coordination/people/")
    page.get_by_role("button", name="Suggest for organisations without one").click()
    expect(page.get_by_role("status")).to_contain_text("1 organisations have a suggested")
    expect(page.get_by_text("suggested: PIC 999467340")).to_be_visible()
    page.get_by_role("link", name=organisation.name).click()
    shot(page, "organisation-match-1366")
    row = page.get_by_role("row").filter(has_text="OAKLAND CA")
    row.get_by_role("button", name="This one").click()
    expect(page.get_by_role("status")).to_contain_text("PIC 999467340 confirmed")
    expect(page.get_by_text("PIC 999467340, confirmed")).to_be_visible()
    organisation.refresh_from_db()
    assert (organisation.pic, organisation.match_state) == (999467340, "confirmed")
    actions = (
        Change.objects.filter(model="stakeholders.Organisation")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert list(actions) == ["suggest PIC", "confirm PIC"]
