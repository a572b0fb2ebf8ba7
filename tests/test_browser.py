"""The pages in a real browser: Playwright driving Debian's Chromium against a live server on
the bundled warehouse. Charts must be drawn, forms must filter, links must lead on, downloads
must hold the indicator's rows. Screenshots go to var/screenshots/ (kept out of git)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bilat import indicators
from bilat.formatting import readable
from bilat.warehouse.store import Warehouse

from conftest import shot
from rawdata import he_organisations


def drawn_marks(page: Page, selector: str = ".chart") -> int:
    """Marks drawn by vega in SVG under the charts matching `selector`."""
    page.wait_for_selector(
        f"{selector} svg .mark-rect, {selector} svg .mark-symbol, {selector} svg .mark-line",
        timeout=20_000,
    )
    return page.locator(
        f"{selector} svg g.mark-rect path, {selector} svg g.mark-symbol path, "
        f"{selector} svg g.mark-line path"
    ).count()


def test_overview_draws_its_charts(site: str, page: Page) -> None:
    page.goto(f"{site}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("The United States")
    assert drawn_marks(page, "#series .chart") >= 3
    assert drawn_marks(page, "#partner_countries .chart") >= 10
    shot(page, "overview")


def test_country_profile_draws_every_chart_and_filters(site: str, page: Page) -> None:
    page.goto(f"{site}/country/US/")
    for section in (
        "by_role",
        "by_programme_part",
        "by_state",
        "partner_countries",
        "country_network",
        "organisation_network",
    ):
        assert drawn_marks(page, f"#{section} .chart") > 0, section
    shot(page, "country-profile")
    page.get_by_label("Role", exact=True).select_option("participant")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**role=participant**")
    participants = sum(
        1 for r in he_organisations() if r["country"] == "US" and r["role"] == "participant"
    )
    assert page.locator(".cards .card .value").first.inner_text() == str(participants)


def test_a_link_leads_from_the_profile_to_an_organisation_and_its_project(
    site: str, page: Page, bundled: Warehouse
) -> None:
    top = indicators.top_organisations(bundled, limit=1).to_pylist()[0]
    page.goto(f"{site}/country/US/")
    page.locator("#top_organisations tbody tr").first.get_by_role("link").first.click()
    page.wait_for_url(f"**/organisation/{top['pic']}/")
    # The heading in a readable case; CORDIS's capitals stay on the page beside it.
    assert page.get_by_role("heading", level=1).inner_text() == readable(top["name"])
    assert f"Name in CORDIS: {top['name']}" in page.inner_text("main")
    assert drawn_marks(page) > 0
    shot(page, "organisation")
    page.locator("table a[href^='/project/']").first.click()
    page.wait_for_url("**/project/HE/**")
    assert page.get_by_role("link", name="This project on CORDIS").count() == 1
    shot(page, "project")


def test_a_csv_download_holds_the_indicator_rows(site: str, page: Page, bundled: Warehouse) -> None:
    page.goto(f"{site}/country/US/")
    with page.expect_download() as download:
        page.locator("#by_role .downloads").get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    expected = indicators.by_role(bundled).to_pylist()
    assert [(r["role"], int(r["participations"])) for r in rows] == [
        (r["role"], r["participations"]) for r in expected
    ]


def test_explore_facets_narrow_the_table_and_export_it(site: str, page: Page) -> None:
    page.goto(f"{site}/explore/participations/?country=US")
    page.locator(".facets a", has_text="Third party linked to a beneficiary").click()
    page.wait_for_url("**role=thirdParty**")
    third = [r for r in he_organisations() if r["country"] == "US" and r["role"] == "thirdParty"]
    assert f"{len(third)} participations" in page.locator("main").inner_text()
    shot(page, "explore")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert sorted(r["pic"] for r in rows) == sorted(r["organisationID"] for r in third)


def test_sources_and_api_docs_open(site: str, page: Page) -> None:
    page.goto(f"{site}/sources/")
    assert "80,276" in page.locator("main").inner_text()
    shot(page, "sources")
    page.goto(f"{site}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() >= 7
    # The site's filled button style stays out of Swagger UI: its schema names, plain
    # buttons, read as dark text on no background (they were dark on the site's blue).
    schema = page.locator(".swagger-ui .models button.json-schema-2020-12-accordion").first
    assert schema.evaluate("b => getComputedStyle(b).backgroundColor") == "rgba(0, 0, 0, 0)"


CHART_PAGES = ("/", "/country/US/", "/organisation/999467340/", "/project/HE/101071601/")
# Every violation of the page's Content-Security-Policy, from before its first script runs.
WATCH_VIOLATIONS = (
    "window.violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)
# The marks that carry the tooltips: symbols (points, network nodes) and rects (bars, map tiles),
# not the lines, edges, labels or legends.
POINTED = "svg g.role-mark.mark-symbol > path, svg g.role-mark.mark-rect > path"


def charts_settled(page: Page) -> None:
    """Waits until every chart of the page is drawn or has said it could not be."""
    page.wait_for_function(
        "[...document.querySelectorAll('[data-spec]')]"
        ".every(e => e.querySelector('svg .mark-group') || e.textContent.trim())",
        timeout=20_000,
    )


def pointed_tooltip(page: Page, marks: Locator) -> str:
    """The tooltip shown when the pointer rests on one of `marks`: the middle one's centre, then
    a corner of it, then the next marks."""
    for index in range(marks.count() // 2, min(marks.count(), marks.count() // 2 + 3)):
        mark = marks.nth(index)
        for position in (None, {"x": 2, "y": 2}):
            mark.hover(position=position, force=True)
            tooltip = page.locator("#vg-tooltip-element.visible")
            try:
                tooltip.wait_for(timeout=2_000)
            except PlaywrightTimeoutError:
                continue
            text = tooltip.inner_text().strip()
            page.mouse.move(0, 0)
            return text
    return ""


def test_charts_draw_and_answer_the_pointer_with_no_policy_violation(site: str, page: Page) -> None:
    page.add_init_script(WATCH_VIOLATIONS)
    for path in CHART_PAGES:
        response = page.goto(f"{site}{path}")
        assert response is not None
        scripts = response.headers["content-security-policy"].split("script-src")[1]
        assert scripts.split(";")[0].split() == ["'self'"], path
        charts_settled(page)
        # Vega compiling an expression with `Function` is refused and reported here first.
        assert page.evaluate("window.violations") == [], path
        charts = page.locator("[data-spec]")
        assert charts.count() > 0, path
        for chart in charts.all():
            assert "could not be drawn" not in chart.inner_text(), path
            assert chart.locator("svg").count() == 1, path
            shown = pointed_tooltip(page, chart.locator(POINTED))
            assert shown, f"{path} {chart.get_attribute('data-spec')}: no tooltip"
        assert page.evaluate("window.violations") == [], path
    page.goto(f"{site}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.evaluate("window.violations") == []


def test_a_state_tile_answers_the_pointer_at_its_label(site: str, page: Page) -> None:
    """A state's code is written over the middle of its tile, where a reader points: the label
    shows the state's tooltip too (it used to take the pointer and show nothing)."""
    page.goto(f"{site}/country/US/")
    charts_settled(page)
    labels = page.locator("[data-spec='spec-by_state'] svg g.role-mark.mark-text > text")
    assert labels.count() > 40
    label = labels.filter(has_text="CA").first
    label.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(timeout=5_000)
    assert "California" in tooltip.inner_text()


def test_charts_compiled_with_function_are_refused_and_the_violation_is_seen(
    site: str, browser: Browser
) -> None:
    """What the test above listens for does arrive: served without `ast: true` (Vega then
    compiles expressions with `Function`), the charts are refused under the page's policy and
    each refusal reaches the listener. In a context of its own, as Chromium also logs the
    refusal as a console error, which the `page` fixture counts as a failure."""

    def compiled(route: Route) -> None:
        script = route.fetch().text()
        assert "ast: true," in script
        route.fulfill(body=script.replace("ast: true,", ""), content_type="text/javascript")

    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(WATCH_VIOLATIONS)
        page.route("**/bilat/charts.js", compiled)
        page.goto(f"{site}/country/US/")
        charts_settled(page)
        refused = page.evaluate("window.violations")
        assert refused and set(refused) == {"script-src eval"}
        assert "could not be drawn" in page.locator("[data-spec]").first.inner_text()
    finally:
        context.close()


def test_pages_fit_a_phone_and_start_with_a_skip_link(site: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{site}/country/US/")
    drawn_marks(phone, "#by_role .chart")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page is {width}px wide on a 390px phone"
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Skip to content"
    shot(phone, "country-profile-phone")
    context.close()


_NODES_OUTSIDE = """(selector) => {
  const svg = document.querySelector(selector + ' svg');
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('.mark-symbol path')].filter(node => {
    const b = node.getBoundingClientRect();
    return b.left < box.left - 1 || b.right > box.right + 1
        || b.top < box.top - 1 || b.bottom > box.bottom + 1;
  }).length;
}"""


def test_network_nodes_stay_inside_their_box_on_a_phone_and_a_wide_screen(
    site: str, browser: Browser
) -> None:
    """The force layout is pulled towards the centre on a narrow box (a phone) and parts not
    linked to the rest are held in on a wide one: no node drawn where it cannot be seen.
    Germany has the largest networks of the bundled data, the US the one with parts apart."""
    for width in (390, 1366):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for country in ("US", "DE"):
            page.goto(f"{site}/country/{country}/")
            for network in ("#country_network", "#organisation_network"):
                page.locator(network).scroll_into_view_if_needed()
                assert drawn_marks(page, f"{network} .chart") > 0
                page.wait_for_timeout(500)  # the layout settles
                assert page.evaluate(_NODES_OUTSIDE, network) == 0, (width, country, network)
        context.close()
