"""The coordination side in a real browser (Playwright driving Debian's Chromium against a
live server): a visitor registers for a workshop; an editor marks attendance and writes a
recommendation from it; the public register shows it; an anonymous visitor sees no personal
data on pages or API; an erasure removes the person everywhere. Screenshots go to
var/screenshots/."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from bilat.coordination.events.models import Event, Registration
from bilat.coordination.events.operations import register
from bilat.coordination.meetings.models import Meeting, Plan
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.stakeholders.models import Person

from conftest import log_in, shot
from factories import link_in, make_editor, make_event, make_participant, make_person

pytestmark = [pytest.mark.coordination]
VISITOR = {
    "First name": "Rosa",
    "Last name": "Visitor",
    "E-mail": "rosa.visitor@example.org",
    "Organisation": "Great Lakes State University",
    "Position": "Professor",
}


@pytest.fixture
def workshop(site: str) -> Event:
    make_editor("coordinator", "a-long-editor-password")
    make_person("other.person@example.org", country="DE")
    return make_event(title="Thematic workshop: AI in health", capacity=20, city="Boston")


@pytest.fixture
def editor(browser: Browser, site: str, workshop: Event) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, site, "coordinator", "a-long-editor-password")
    expect(page.get_by_role("link", name="Coordination")).to_be_visible()
    yield page
    context.close()


def register_visitor(page: Page, site: str, workshop: Event) -> None:
    page.goto(f"{site}/events/")
    page.get_by_role("link", name=workshop.title).click()
    page.get_by_role("link", name="Register").click()
    for label, value in VISITOR.items():
        page.get_by_role("textbox", name=f"{label}:").fill(value)
    page.get_by_label("Sector").select_option(label="University")
    page.get_by_label("Country").select_option(label="United States")
    page.get_by_label("Handle my event registrations").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"A message is on its way to {VISITOR['E-mail']}"
    )
    # The visitor opens the link of the e-mail sent to their address, and confirms.
    page.goto(site + link_in(mail.outbox[-1]))
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page.get_by_role("status")).to_contain_text(f"You are registered for {workshop.title}")


def test_visitor_registers_and_editor_marks_attendance_and_writes_a_recommendation(
    site: str, page: Page, editor: Page, workshop: Event
) -> None:
    register_visitor(page, site, workshop)
    shot(page, "coordination-registered")
    registration = Registration.objects.get(person__email=VISITOR["E-mail"])
    assert (registration.status, registration.side, registration.sector) == (
        "confirmed",
        "US",
        "university",
    )

    editor.goto(f"{site}/coordination/events/{workshop.slug}/")
    editor.get_by_label("Rosa Visitor").check()
    editor.get_by_role("button", name="Save attendance").click()
    expect(editor.get_by_role("status")).to_contain_text("Attendance saved (1 changed)")
    expect(editor.locator("#n-attended")).to_have_text("1")
    shot(editor, "coordination-manage-event")
    editor.get_by_role("link", name="Add a recommendation from this event").click()
    expect(editor.get_by_label(workshop.title)).to_be_checked()
    editor.get_by_label("Title").fill("Agree on a template for sharing health data")
    editor.get_by_label("Text").fill("Researchers need one agreement that satisfies both sides.")
    editor.get_by_label("Barrier").select_option(label="Data sharing")
    editor.get_by_label("Addressee").select_option(label="Both sides")
    editor.get_by_label("Owner").fill("Joint working group on data")
    editor.get_by_label("Evidence: link").fill("/country/US/?programme=HE")
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_role("status")).to_contain_text("is in the register")
    assert Registration.objects.get(pk=registration.pk).attended is True
    recommendation = Recommendation.objects.get()
    assert list(recommendation.source_events.all()) == [workshop]

    page.goto(f"{site}/recommendations/")
    page.get_by_label("Barrier").select_option(label="Data sharing")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row").filter(has_text="Agree on a template for sharing health data")
    expect(row).to_contain_text("Joint working group on data")
    expect(row).to_contain_text(workshop.title)
    row.get_by_role("link", name="Agree on a template for sharing health data").click()
    expect(page.get_by_role("link", name="US participation")).to_have_count(0)
    expect(page.get_by_role("link", name="/country/US/?programme=HE")).to_have_count(1)
    shot(page, "coordination-recommendation")


def test_an_anonymous_visitor_sees_no_personal_data(site: str, page: Page, workshop: Event) -> None:
    register_visitor(page, site, workshop)
    page.context.clear_cookies()
    secrets = [VISITOR["E-mail"], "Visitor", "other.person@example.org"]
    for url in ("/events/", f"/events/{workshop.slug}/", "/recommendations/"):
        page.goto(f"{site}{url}")
        text = page.content()
        assert not any(secret in text for secret in secrets), url
    for url in (
        "/api/events",
        f"/api/events/{workshop.slug}",
        "/events/calendar.ics",
        "/recommendations.csv",
    ):
        response = page.request.get(f"{site}{url}")
        assert response.ok, url
        assert not any(secret in response.text() for secret in secrets), url
    api = page.request.get(f"{site}/api/people")
    assert api.status == 401
    assert "example.org" not in api.text()
    page.goto(f"{site}/coordination/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.goto(f"{site}/coordination/events/{workshop.slug}/registrations.csv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


def test_erasing_a_person_removes_them_everywhere_and_keeps_the_counts(
    site: str, page: Page, editor: Page, workshop: Event
) -> None:
    register_visitor(page, site, workshop)
    editor.goto(f"{site}/coordination/events/{workshop.slug}/")
    editor.get_by_label("Rosa Visitor").check()
    editor.get_by_role("button", name="Save attendance").click()
    editor.goto(f"{site}/coordination/people/")
    editor.get_by_role("link", name="Visitor, Rosa").click()
    editor.get_by_role("link", name="Erase this person…").click()
    editor.get_by_role("button", name="Erase for good").click()
    expect(editor.get_by_role("status")).to_contain_text("has been erased")
    expect(editor.get_by_role("link", name="Visitor, Rosa")).to_have_count(0)

    editor.goto(f"{site}/coordination/events/{workshop.slug}/")
    expect(editor.locator("#n-registered")).to_have_text("1")
    expect(editor.locator("#n-attended")).to_have_text("1")
    expect(editor.get_by_text("Erased person")).to_have_count(1)
    for url in (
        f"/coordination/events/{workshop.slug}/",
        "/coordination/people/",
        "/coordination/changes/",
        "/api/people",
    ):
        response = editor.goto(f"{site}{url}")
        assert response is not None and response.ok
        assert "Visitor" not in response.text() and "rosa.visitor" not in response.text(), url
    people = json.loads(editor.goto(f"{site}/api/people").text())  # type: ignore[union-attr]
    assert [p["email"] for p in people["items"]] == ["other.person@example.org"]
    assert not Person.objects.filter(email=VISITOR["E-mail"]).exists()
    shot(editor, "coordination-after-erasure")


def test_a_name_of_120_letters_without_a_space_fits_a_phone(site: str, browser: Browser) -> None:
    """A name, an organisation or an address typed as one long word breaks inside its box
    on a phone rather than running off it: on the person's page in the directory (its title
    and cards) and on their own /me/ (the meetings' names and reasons)."""
    make_editor("coordinator", "a-long-editor-password")
    event = make_event(title="Thematic workshop: AI in health")
    longest = make_person(
        f"{'a' * 60}@{'b' * 55}.example.org",
        country="DE",
        first_name="Maximiliana" + "x" * 109,
        last_name="Wolfeschlegelsteinhausen" + "y" * 96,
        organisation="Institut" + "z" * 112,
    )
    other = make_person(
        country="US", first_name="Bartholomew" + "b" * 109, organisation="U" + "q" * 119
    )
    for person in (longest, other):
        register(None, event, person, source="test", notify=False)
    plan = Plan.objects.create(event=event, day=event.starts, published=timezone.now())
    Meeting.objects.create(
        plan=plan, eu=longest, us=other, slot=0, table="Table 1", reasons="w" * 120
    )
    make_participant(longest, "a-participant-password")
    for name, password, url in (
        ("coordinator", "a-long-editor-password", f"/coordination/people/{longest.pk}/"),
        (longest.email, "a-participant-password", "/me/"),
    ):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        phone = context.new_page()
        log_in(phone, site, name, password)
        phone.goto(f"{site}{url}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width}px wide on a 390px phone"
        # Nor does anything run out of its own box (a card, the meetings' scrolling table).
        spilled = phone.evaluate(
            "[...document.querySelectorAll('main h1, main dd, main .wrap, main td')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.slice(0, 30))"
        )
        assert spilled == [], url
        shot(phone, f"long-name{url.replace('/', '-').rstrip('-')}-390")
        context.close()


def test_the_desk_finds_a_name_of_120_letters_and_fits_a_phone(site: str, browser: Browser) -> None:
    """At the check-in desk on a phone, a person found by a search whose first name is one
    word of 120 letters breaks inside the result (the name and its "Check in" button) rather
    than widening the page: the result's parts are flex items, which a word longer than the
    row would otherwise hold at its full width."""
    make_editor("coordinator", "a-long-editor-password")
    event = make_event(title="Thematic workshop: AI in health")
    longest = make_person(
        country="DE", first_name="Maximiliana" + "x" * 109, organisation="Institut" + "z" * 112
    )
    register(None, event, longest, source="test", notify=False)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    log_in(phone, site, "coordinator", "a-long-editor-password")
    phone.goto(f"{site}/coordination/events/{event.slug}/check-in/")
    phone.get_by_label("Name or organisation").fill("Maximiliana")
    phone.get_by_role("button", name="Search").click()
    found = phone.locator(".desk-found li")
    expect(found).to_have_count(1)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the desk is {width}px wide on a 390px phone"
    box = found.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    spilled = phone.evaluate(
        "[...document.querySelectorAll('.desk-found li, .desk-found li *')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.tagName)"
    )
    assert spilled == []
    shot(phone, "long-name-check-in-390")
    phone.get_by_role("button", name="Check in Maximiliana").click()
    expect(phone.locator(".desk-found .present")).to_have_text("present")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
