"""At the event, in Chromium: an editor proposes and publishes one-to-one meetings, a
participant sees theirs on /me/; the editor checks a participant in at the desk by typing the
badge's QR text (at a phone's width), and downloads badges and certificates."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bilat.coordination.desk.codes import code_of
from bilat.coordination.events.models import Event, Registration
from bilat.coordination.events.operations import register

from conftest import log_in, shot
from factories import make_editor, make_event, make_participant, make_person

pytestmark = [pytest.mark.coordination]
MATCHED = ("registration", "meetings")


@pytest.fixture
def workshop(site: str) -> Event:
    make_editor("desk", "a-long-editor-password")
    # Today and tomorrow: an all-day event in Brussels has ended at 23:00 UTC on its last day.
    today = date.today()
    event = make_event(
        title="Workshop on ocean health", starts=today, ends=today + timedelta(days=1)
    )
    people = [
        make_person(country="PT", consents=MATCHED, first_name="Marta", last_name="Silva",
                    themes=["earth and related environmental sciences"]),
        make_person("uma@example.org", country="US", consents=MATCHED, first_name="Uma",
                    last_name="Reyes", themes=["earth and related environmental sciences"]),
        make_person(country="DE", first_name="Jonas", last_name="Weber"),
    ]  # fmt: skip
    for person in people:
        register(None, event, person, source="test", notify=False)
    make_participant(people[1], "a-participant-password")
    return event


def _log_in(
    browser: Browser, site: str, name: str, password: str, width: int, *, script: bool = True
) -> Page:
    page = browser.new_context(
        viewport={"width": width, "height": 900}, accept_downloads=True, java_script_enabled=script
    ).new_page()
    log_in(page, site, name, password)
    page.wait_for_load_state()
    return page


@pytest.fixture
def editor(browser: Browser, site: str, workshop: Event) -> Iterator[Page]:
    page = _log_in(browser, site, "desk", "a-long-editor-password", 1366)
    yield page
    page.context.close()


def test_editor_publishes_meetings_and_the_participant_sees_hers(
    site: str, browser: Browser, editor: Page, workshop: Event
) -> None:
    editor.goto(f"{site}/coordination/events/{workshop.slug}/")
    editor.get_by_role("link", name="one-to-one meetings").click()
    editor.get_by_role("button", name="Propose meetings").click()
    expect(editor.get_by_role("status")).to_contain_text("The schedule holds 1 meeting.")
    row = editor.get_by_role("row").filter(has_text="Marta Silva")
    expect(row).to_contain_text("Uma Reyes")
    expect(row).to_contain_text("Both work on earth and related environmental sciences")
    editor.get_by_label("Table of meeting 1").fill("Room Atlantic")
    editor.get_by_role("button", name="Save the schedule").click()
    editor.get_by_role("button", name="Publish and e-mail participants").click()
    expect(editor.get_by_role("status")).to_contain_text("2 people were sent theirs")
    shot(editor, "meetings-schedule")
    uma = _log_in(browser, site, "uma@example.org", "a-participant-password", 390)
    uma.goto(f"{site}/me/")
    mine = uma.get_by_role("region", name="My meetings")
    expect(mine).to_contain_text("Marta Silva")
    expect(mine).to_contain_text("Room Atlantic")
    expect(uma.get_by_text("Jonas Weber")).to_have_count(0)
    # Nothing of /me/ is off-screen on a phone: the registrations (with their Cancel
    # buttons) read one card each, the meetings' table scrolls inside its own box.
    expect(uma.get_by_role("button", name="Cancel")).to_be_visible()
    assert uma.evaluate("document.documentElement.scrollWidth") <= 390
    shot(uma, "meetings-me-390")
    uma.set_viewport_size({"width": 1366, "height": 900})
    assert uma.locator("table.stack thead").first.is_visible()  # plain tables when wide
    shot(uma, "meetings-me-1366")
    uma.context.close()


def test_the_schedule_reads_as_one_card_per_meeting_on_a_phone(
    site: str, editor: Page, workshop: Event
) -> None:
    editor.goto(f"{site}/coordination/events/{workshop.slug}/meetings/")
    editor.get_by_role("button", name="Propose meetings").click()
    region = editor.get_by_role("region", name="Meetings")
    wide = region.bounding_box()
    editor.set_viewport_size({"width": 390, "height": 900})
    # Nothing to scroll sideways: each meeting is a box the width of the screen, its cells
    # named (the header row is hidden), its rows still rows for a screen reader.
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth")
    row = editor.get_by_role("row").filter(has_text="Marta Silva")
    box = row.bounding_box()
    assert wide and box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["height"] > 150  # stacked: several lines, not one squeezed line
    time = editor.get_by_label("Time of meeting 1")
    named = time.evaluate("e => getComputedStyle(e.closest('td'), '::before').content")
    assert named == '"Time"'
    chosen = time.bounding_box()
    assert chosen and chosen["width"] >= 140  # its slot readable, not cut to a few letters
    shot(editor, "meetings-schedule-390")
    editor.set_viewport_size({"width": 1366, "height": 900})
    assert editor.locator("table.stack thead").is_visible()  # a plain table on a wide screen
    shot(editor, "meetings-schedule-1366")


def test_the_camera_button_stays_hidden_without_javascript(
    site: str, browser: Browser, workshop: Event
) -> None:
    """The button is shown by the script, where the browser can read QR codes; without
    JavaScript it cannot work and is not there (the stylesheet's buttons do not undo
    `hidden`)."""
    desk = _log_in(browser, site, "desk", "a-long-editor-password", 390, script=False)
    desk.goto(f"{site}/coordination/events/{workshop.slug}/check-in/")
    expect(desk.get_by_label("Badge code")).to_be_visible()
    expect(desk.get_by_role("button", name="Scan with camera", include_hidden=True)).to_be_hidden()
    assert desk.locator("#scan").evaluate("e => getComputedStyle(e).display") == "none"
    desk.context.close()


def test_desk_checks_in_by_typed_qr_text_and_prints_badges_and_certificates(
    site: str, browser: Browser, editor: Page, workshop: Event, tmp_path: Path
) -> None:
    desk = _log_in(browser, site, "desk", "a-long-editor-password", 390)
    desk.goto(f"{site}/coordination/events/{workshop.slug}/check-in/")
    marta = Registration.objects.get(person__first_name="Marta")
    desk.get_by_label("Badge code").fill(code_of(marta))
    desk.get_by_label("Badge code").press("Enter")
    expect(desk.get_by_role("status")).to_contain_text("Marta Silva is checked in.")
    expect(desk.locator("#present")).to_contain_text("1 of 3 present")
    desk.get_by_label("Name or organisation").fill("weber")
    desk.get_by_role("button", name="Search").click()
    desk.get_by_role("button", name="Check in Jonas Weber").click()
    expect(desk.locator("#present")).to_contain_text("2 of 3 present")
    shot(desk, "desk-check-in-390")
    width = desk.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    # This Chromium reads no QR code (no BarcodeDetector on Linux): no camera button.
    assert not desk.evaluate("'BarcodeDetector' in window")
    expect(desk.get_by_role("button", name="Scan with camera")).to_be_hidden()
    desk.context.close()
    editor.goto(f"{site}/coordination/events/{workshop.slug}/")
    texts = {}
    for name in ("badges (PDF)", "certificates of attendance (PDF)"):
        with editor.expect_download() as caught:
            editor.get_by_role("link", name=name).click()
        path = tmp_path / caught.value.suggested_filename
        caught.value.save_as(path)
        texts[name] = subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    assert all(n in texts["badges (PDF)"] for n in ("Marta Silva", "Uma Reyes", "Jonas Weber"))
    certificates = texts["certificates of attendance (PDF)"]
    assert "Marta Silva" in certificates and "Jonas Weber" in certificates
    assert "Uma Reyes" not in certificates
