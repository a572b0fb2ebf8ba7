"""A forgotten password in a real browser (Playwright driving Debian's Chromium against a live
server), through the pages as a participant clicks them: log-in page, the form, the e-mail's
link, a refused password, the new one, logged in; the link refused afterwards. Screenshots at
a laptop's and a phone's width go to var/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from conftest import log_in, shot
from factories import link_in, make_participant, make_person

pytestmark = [pytest.mark.coordination]
NEW = "Harbour-Lantern-Quiet-57"


def ask_for_a_link(page: Page, site: str, typed: str) -> str:
    page.goto(f"{site}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgotten password")).to_be_visible()
    page.get_by_role("textbox", name="E-mail:").fill(typed)
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("status")).to_contain_text("A message is on its way to")
    return site + link_in(mail.outbox[-1])


@pytest.mark.parametrize("width", [1366, 390])
def test_a_participant_chooses_a_new_password_through_the_pages(
    site: str, browser: Browser, width: int
) -> None:
    user = make_participant(make_person("ada@example.org", first_name="Ada"))
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    link = ask_for_a_link(page, site, "  Ada@Example.org ")
    assert mail.outbox[-1].to == ["ada@example.org"]
    shot(page, f"password-reset-sent-{width}")
    page.goto(link)
    expect(page).to_have_url(re.compile(r".*/accounts/password/reset/[\w-]+/set-password/$"))
    expect(page.get_by_text("For the account ada@example.org")).to_be_visible()
    page.get_by_label("New password:", exact=True).fill("password")
    page.get_by_label("New password confirmation:").fill("password")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    expect(page.get_by_text("This password is too short.")).to_be_visible()
    shot(page, f"password-reset-refused-{width}")
    page.get_by_label("New password:", exact=True).fill(NEW)
    page.get_by_label("New password confirmation:").fill(NEW)
    page.get_by_role("button", name="Set the new password").click()
    expect(page).to_have_url(f"{site}/me/")
    expect(page.get_by_role("status")).to_contain_text("Your new password is set")
    user.refresh_from_db()
    assert user.check_password(NEW)
    # Logged out, the new password logs in; the link from the e-mail no longer works.
    page.get_by_role("button", name="Log out").click()
    log_in(page, site, "ada@example.org", NEW)
    expect(page).to_have_url(f"{site}/me/")
    assert errors == [], errors
    page.goto(link)  # answered 400, which the console reports
    expect(page.get_by_role("alert")).to_contain_text("This link does not work")
    shot(page, f"password-reset-used-link-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert User.objects.get(pk=user.pk).check_password(NEW)
    context.close()
