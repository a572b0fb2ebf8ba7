"""After the event, in Chromium: an editor sets the survey's questions and sends it; an
attendee answers through the link of her e-mail (at a phone's width), and her link refuses a
second answer; the outcome report shows the survey's results and the later joint projects of
organisations that met (bundled real CORDIS data), with no participant named."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from bilat.coordination.events.models import Event
from bilat.coordination.events.operations import mark_attendance, register

from conftest import log_in, shot
from factories import confirm_pic, link_in, make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination]
DAY = date(2022, 6, 15)
# Münster and MIT first share a Horizon Europe project of the 2023 calls.
PEOPLE = (("Marie", "Hidden", "DE", 999853691), ("Tom", "Secret", "US", 998096827))


@pytest.fixture
def held(site: str) -> Event:
    make_editor("survey", "a-long-editor-password")
    event = make_event(title="Materials workshop", starts=DAY, ends=DAY)
    for first, last, country, pic in PEOPLE:
        person = make_person(f"{first.lower()}@example.org", country=country, first_name=first,
                             last_name=last, organisation=f"University {pic}")  # fmt: skip
        confirm_pic(person, pic)
        registration = register(None, event, person, source="test", notify=False, after_end=True)
        mark_attendance(None, event, {registration.pk: True})
    return event


def _editor(browser: Browser, site: str) -> Page:
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, site, "survey", "a-long-editor-password")
    page.wait_for_load_state()
    return page


def test_an_attendee_answers_the_survey_and_the_outcome_report_shows_it(
    site: str, browser: Browser, held: Event
) -> None:
    editor = _editor(browser, site)
    editor.goto(f"{site}/coordination/events/{held.slug}/")
    editor.get_by_role("link", name="feedback survey").click()
    editor.get_by_label("Question").fill("How useful was the workshop?")
    editor.get_by_label("Required").check()
    editor.get_by_role("button", name="Add the question").click()
    editor.get_by_label("Question").fill("Will you apply together?")
    editor.get_by_label("Type").select_option(label="One of a list")
    editor.get_by_label("Options").fill("Yes\nNo")
    editor.get_by_role("button", name="Add the question").click()
    mail.outbox.clear()
    editor.get_by_role("button", name="Send to attendees").click()
    expect(editor.get_by_role("status")).to_contain_text("on its way to 2 attendees")
    link = link_in(next(m for m in mail.outbox if m.to == ["marie@example.org"]))
    attendee = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    attendee.goto(site + link)
    expect(attendee.get_by_role("heading", level=1)).to_contain_text("Materials workshop")
    attendee.get_by_role("group", name="How useful was the workshop?").get_by_label("4").check()
    attendee.get_by_role("group", name="Will you apply together?").get_by_label("Yes").check()
    shot(attendee, "survey-answer-390")
    attendee.get_by_role("button", name="Send my answers").click()
    expect(attendee.get_by_role("status")).to_contain_text("saved, without your name")
    attendee.goto(site + link)
    expect(attendee.get_by_role("alert")).to_contain_text("answered already")
    attendee.context.close()
    editor.goto(f"{site}/coordination/events/{held.slug}/")
    # While the survey is open its figures wait: one more answer would show in them.
    expect(editor.locator("#survey-waiting")).to_contain_text("shown once the survey is closed")
    expect(editor.get_by_role("region", name="Ratings by side")).to_have_count(0)
    editor.get_by_role("link", name="feedback survey").click()
    shot(editor, "survey-open")
    # Closing is final: the button does nothing until its box is ticked.
    editor.get_by_role("button", name="Close the survey").click()
    expect(editor.get_by_role("button", name="Close the survey")).to_be_visible()
    expect(editor.get_by_role("status")).to_have_count(0)
    editor.get_by_label("I understand that closing is final").check()
    editor.get_by_role("button", name="Close the survey").click()
    expect(editor.get_by_role("status")).to_contain_text("The survey is closed")
    attendee = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    late = link_in(next(m for m in mail.outbox if m.to != ["marie@example.org"]))
    attendee.goto(site + late)
    expect(attendee.get_by_role("alert")).to_contain_text("takes no more answers")
    attendee.context.close()
    editor.goto(f"{site}/coordination/events/{held.slug}/")
    results = editor.get_by_role("region", name="Ratings by side")
    # One answer: editors know who came, so its rating is not shown, not even as the mean.
    expect(results).to_contain_text("All1—")
    expect(results).not_to_contain_text("4.00")
    expect(editor.get_by_text("No group of fewer than 3 answers is shown")).to_be_visible()
    shot(editor, "survey-statistics")
    # At a phone's width every column of the results, the mean rating among them, is on
    # the screen: each question heads its rows instead of filling a first column.
    editor.set_viewport_size({"width": 390, "height": 844})
    editor.goto(f"{site}/coordination/events/{held.slug}/survey/")
    regions = editor.locator(".wrap[role=region]")
    expect(regions).to_have_count(3)
    for region in regions.all():
        assert region.evaluate("e => e.scrollWidth <= e.clientWidth"), region.inner_text()
    mean = editor.get_by_role("columnheader", name="Mean rating (1 to 5)").first
    box = mean.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    shot(editor, "survey-results-390")
    editor.set_viewport_size({"width": 1366, "height": 900})
    editor.goto(f"{site}/coordination/events/{held.slug}/")
    # The HTML report opens in the browser, styled by its own sheet.
    editor.get_by_role("link", name="HTML").first.click()
    expect(editor.get_by_role("heading", name="Feedback from participants")).to_be_visible()
    html = editor.content()
    assert "Feedback from participants" in html and "1 answer came back" in html
    assert "Outcomes in the data" in html and "association, not proof" in html
    assert "University 999853691 (EU)" in html and "University 998096827 (US)" in html
    assert "Hidden" not in html and "Secret" not in html
    editor.context.close()
