"""Finding projects by theme in Chromium: a word typed in the explore search finds projects by
their fields of science, and a click on a field or state facet narrows the table."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from conftest import shot


def test_searching_quantum_finds_projects_by_field_and_narrows_by_facet(
    site: str, page: Page
) -> None:
    page.goto(f"{site}/explore/projects/?country=US")
    page.get_by_label(re.compile(r"^Search .* or theme$")).fill("quantum")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r".*q=quantum.*"))
    found = int(page.locator("p:has-text('projects of the United States') strong").inner_text())
    assert found >= 10
    facets = page.get_by_role("complementary", name="Facets")
    facets.get_by_role("link", name="physical sciences").click()
    page.wait_for_url(re.compile(r".*field=physical\+sciences.*"))
    narrowed = int(page.locator("p:has-text('projects of the United States') strong").inner_text())
    assert 0 < narrowed < found
    assert page.get_by_label("Field of science", exact=True).input_value() == "physical sciences"
    shot(page, "explore-theme")
    page.goto(f"{site}/explore/participations/?country=US&q=quantum")
    state = page.get_by_role("complementary", name="Facets").locator("li:has(a:text-is('CA'))")
    count = int(state.locator(".muted").inner_text())
    state.get_by_role("link", name="CA").click()
    page.wait_for_url(re.compile(r".*us_state=CA.*"))
    shown = page.locator("p:has-text('participations of the United States') strong").inner_text()
    assert int(shown) == count > 0
