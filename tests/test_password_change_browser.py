"""Changing one's password in a real browser (Playwright driving Debian's Chromium against a
live server), as a participant clicks it: My data, the page, a wrong current password, a
refused new one, the change; still logged in here, logged out in another browser; the old
password no longer logs in. Screenshots at a laptop's and a phone's width go to
var/screenshots/."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from conftest import log_in, shot
from factories import make_participant, make_person

pytestmark = [pytest.mark.coordination]
OLD = "participant-password"
NEW = "Harbour-Lantern-Quiet-57"


def fill(page: Page, old: str, new: str) -> None:
    page.get_by_label("Current password").fill(old)
    page.get_by_label("New password:", exact=True).fill(new)
    page.get_by_label("New password confirmation:").fill(new)
    page.get_by_role("button", name="Change my password").click()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_participant_changes_the_password_through_the_pages(
    site: str, browser: Browser, width: int
) -> None:
    user = make_participant(make_person("ada@example.org", first_name="Ada"))
    context = browser.new_context(viewport={"width": width, "height": 900})
    other = browser.new_context(viewport={"width": width, "height": 900})
    page, elsewhere = context.new_page(), other.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(elsewhere, site, "ada@example.org", OLD)
    expect(elsewhere).to_have_url(f"{site}/me/")
    log_in(page, site, "ada@example.org", OLD)
    expect(page).to_have_url(f"{site}/me/")
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    shot(page, f"password-change-{width}")
    fill(page, "not-my-password", NEW)
    expect(page.get_by_text("Your old password was entered incorrectly")).to_be_visible()
    fill(page, OLD, "password")
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    expect(page.get_by_text("This password is too short.")).to_be_visible()
    shot(page, f"password-change-refused-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    fill(page, OLD, NEW)
    expect(page).to_have_url(f"{site}/me/")
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    shot(page, f"password-change-done-{width}")
    assert User.objects.get(pk=user.pk).check_password(NEW)
    page.reload()
    expect(page.get_by_role("heading", name="My data")).to_be_visible()  # still logged in
    elsewhere.goto(f"{site}/me/")
    expect(elsewhere).to_have_url(f"{site}/accounts/login/?next=/me/")  # logged out there
    log_in(elsewhere, site, "ada@example.org", OLD)
    expect(elsewhere.get_by_text("Please enter a correct username")).to_be_visible()
    log_in(elsewhere, site, "ada@example.org", NEW)
    expect(elsewhere).to_have_url(f"{site}/me/")
    assert errors == [], errors
    context.close()
    other.close()
