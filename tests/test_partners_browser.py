"""Partner search in a real browser: Playwright driving Chromium against a live server."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Page

from bilat.formatting import readable

from conftest import shot


def test_a_us_university_finds_european_partners_and_follows_one(site: str, page: Page) -> None:
    page.goto(f"{site}/partners/")
    page.get_by_label("Organisation (name or PIC)").fill("Massachusetts Institute of Technology")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**organisation=Massachusetts**")
    # CORDIS's capitals read in a readable case, as on the rest of the site.
    heading = page.get_by_role("heading", name="European partners for Massachusetts Institute")
    assert heading.is_visible()
    first = page.locator("ol.suggestions > li").first
    reasons = first.locator("ul.reasons li").all_inner_texts()
    assert any(reason.startswith("worked with Massachusetts Institute") for reason in reasons)
    assert reasons[-1].split(" ")[1] in ("project", "projects")
    shot(page, "partners-organisation")
    name = first.get_by_role("link").inner_text()
    first.get_by_role("link").click()
    page.wait_for_url("**/organisation/*/")
    # The organisation page reads CORDIS's capitals in a readable case.
    assert page.get_by_role("heading", level=1).inner_text() == readable(name)
    suggested = page.get_by_role("heading", name="Suggested partners across the Atlantic")
    suggested.wait_for()  # the organisation page computes its suggestions before it answers
    assert suggested.is_visible()


def test_a_topic_prefix_search_downloads_its_result(site: str, page: Page) -> None:
    page.goto(f"{site}/partners/")
    page.get_by_label("Topic code or prefix").fill("HORIZON-CL5")
    page.get_by_label("How many").fill("12")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**topic=HORIZON-CL5**")
    shown = page.locator("ol.suggestions > li > a").all_inner_texts()
    assert len(shown) == 12
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert [readable(row["name"]) for row in rows] == shown  # the file keeps CORDIS's spelling
    assert all("HORIZON-CL5-" in row["reasons"] for row in rows)
