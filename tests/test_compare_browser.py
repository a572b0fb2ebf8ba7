"""The country picker and the comparison in Chromium: chosen by keyboard alone, with and
without JavaScript, and the comparison's columns read from the page."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page

from conftest import shot
from rawdata import he_organisations


def participations(code: str) -> int:
    return sum(1 for row in he_organisations() if row["country"] == code)


def test_the_picker_works_by_keyboard_without_javascript(site: str, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site}/explore/projects/")
    picker = page.get_by_label("Profile of", exact=True)
    picker.focus()
    assert page.evaluate("document.activeElement.id") == "picker-country"
    picker.select_option(label="Japan")
    page.keyboard.press("Tab")  # to the button
    assert page.evaluate("document.activeElement.textContent") == "Show profile"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/country/JP/$"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Japan in the EU framework programmes"
    )
    assert page.get_by_label("Profile of", exact=True).input_value() == "JP"
    context.close()


def test_compare_shows_one_column_per_country(site: str, page: Page) -> None:
    page.goto(f"{site}/")
    page.get_by_role("link", name="Compare the US with Canada, Japan and China").click()
    page.wait_for_url(re.compile(r".*/compare/\?countries=US,CA,JP,CN$"))
    box = page.get_by_label("Countries", exact=True)
    box.fill("Japan, KR, us")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r".*/compare/\?countries=Japan.*"))
    table = page.get_by_role("region", name="Table: Headline figures")
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["Figure", "Japan", "South Korea", "United States"]
    first = table.locator("tbody tr").first.locator("td").all_inner_texts()
    assert first == [f"{participations(code):,}" for code in ("JP", "KR", "US")]
    shot(page, "compare")
    table.get_by_role("link", name="South Korea").click()
    page.wait_for_url(re.compile(r".*/country/KR/$"))


def test_a_bad_code_is_named_on_the_page(site: str, browser: Browser) -> None:
    # Its own context: the 400 answer is what is tested, not a fault of the page.
    context = browser.new_context()
    page = context.new_page()
    answer = page.goto(f"{site}/compare/?countries=US,Atlantis")
    assert answer is not None and answer.status == 400
    alert = page.get_by_role("alert").inner_text()
    assert alert.startswith("countries: 'Atlantis' is not a known country")
    context.close()
