"""Every type of page in Chromium, at a phone's width (390 px) and a laptop's (1366 px): no
horizontal overflow, and no violation of WCAG 2.1 A and AA found by axe-core (the checker the
EU's accessibility monitoring bodies use), public pages and editors' pages alike.

axe-core comes from npm (`make test` installs it under tests/js/) and is injected from that
local file: nothing is fetched from a CDN.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Page

from bilat.coordination import demo
from bilat.coordination.stakeholders.passwords import reset_link

from conftest import ROOT, log_in

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1366, 390)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [pytest.mark.django_db(transaction=True)]


def axe_script() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test`, which installs axe-core from npm", False)
    return AXE.read_text("utf-8")


def links(page: Page, pattern: str) -> list[str]:
    """The page's links whose address matches `pattern`, in page order."""
    found = page.eval_on_selector_all("a[href]", "all => all.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(href for href in found if re.fullmatch(pattern, href)))


def first_link(page: Page, site: str, start: str, pattern: str) -> str:
    page.goto(f"{site}{start}")
    found = links(page, pattern)
    assert found, f"{start} offers no link like {pattern}"
    return found[0]


def problems(page: Page, url: str) -> Iterator[str]:
    """Overflow and axe violations of one page at each width."""
    page.goto(url)
    yield from shown(page, url)


def shown(page: Page, url: str) -> Iterator[str]:
    """Overflow and axe violations of the page the browser shows now (reached by a form)."""
    page.wait_for_load_state("networkidle")
    if page.locator("[data-spec]").count():
        page.wait_for_selector("[data-spec] svg", timeout=20_000)
    # Evaluated by the browser's debugging protocol: an inline script tag would be refused,
    # rightly, by the site's Content-Security-Policy.
    page.evaluate(axe_script())
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)  # charts follow their container's new width
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            yield f"{url} at {width}px: the page is {scroll}px wide"
        found = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
            ".then(r => r.violations.map(v => ({id: v.id, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
            TAGS,
        )
        for violation in found:
            yield f"{url} at {width}px: {json.dumps(violation)}"


def observatory_pages(page: Page, site: str) -> list[str]:
    organisation = first_link(page, site, "/country/US/", r"/organisation/\d+/")
    project = first_link(page, site, organisation, r"/project/\w+/\d+/")
    return [
        "/",
        "/country/US/",
        "/country/CA/",
        "/country/US/?programme=FP7",  # the empty state: a programme not loaded
        organisation,
        project,
        "/explore/participations/?country=US",
        "/explore/projects/",
        "/explore/organisations/?country=US",
        "/sources/",
        "/compare/?countries=US,CA,JP,CN,AQ",  # with a country without data
        "/country/XX/",  # the 400 page
        "/no-such-page/",  # the 404 page
    ]


def coordination_pages(page: Page, site: str) -> list[str]:
    event = first_link(page, site, "/events/", r"/events/[\w-]+/")
    recommendation = first_link(page, site, "/recommendations/", r"/recommendations/\d+/")
    return [
        "/events/",
        event,
        f"{event}register/",
        "/recommendations/",
        recommendation,
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/MQ/altered-token/",  # a link that does not work: 400
    ]


def editor_pages(page: Page, site: str) -> list[str]:
    person = first_link(page, site, "/coordination/people/", r"/coordination/people/\d+/")
    organisation = first_link(
        page, site, "/coordination/people/", r"/coordination/organisations/\d+/"
    )
    event = first_link(page, site, "/coordination/", r"/coordination/events/[\w-]+/")
    recommendation = first_link(page, site, "/recommendations/", r"/recommendations/\d+/")
    page.goto(f"{site}{event}check-in/")
    page.get_by_label("Name or organisation").fill("a")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    return [
        "/coordination/",
        "/coordination/people/",
        person,
        organisation,
        "/coordination/import/",
        event,
        f"{event}check-in/",  # the desk, with people found (the search waits in the session)
        f"{event}meetings/",
        f"{event}survey/",
        "/coordination/workshops/",
        "/coordination/awareness/",
        "/coordination/changes/",
        "/coordination/recommendations/new/",
        recommendation.replace("/recommendations/", "/coordination/recommendations/"),
        "/me/",
        "/me/password/",
    ]


@pytest.fixture
def context(browser: Browser, site: str) -> Iterator[BrowserContext]:
    demo.load(date(2026, 6, 1))
    opened = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    yield opened
    opened.close()


def test_public_pages_fit_both_widths_and_pass_axe(site: str, context: BrowserContext) -> None:
    page = context.new_page()
    urls = observatory_pages(page, site) + coordination_pages(page, site)
    found = [problem for url in urls for problem in problems(page, f"{site}{url}")]
    assert not found, "\n".join(found)


def test_editor_pages_fit_both_widths_and_pass_axe(site: str, context: BrowserContext) -> None:
    page = context.new_page()
    log_in(page, site, demo.EDITOR[0], demo.EDITOR[1])
    page.wait_for_url(re.compile(r".*/(coordination/|me/)?$"))
    urls = editor_pages(page, site)
    found = [problem for url in urls for problem in problems(page, f"{site}{url}")]
    assert not found, "\n".join(found)


def test_the_password_reset_pages_fit_both_widths_and_pass_axe(
    site: str, context: BrowserContext
) -> None:
    """The pages a form or an e-mail leads to: the answer to the form, the new password's
    form with the validators' messages."""
    user = User.objects.get(username=demo.EDITOR[0])
    page = context.new_page()
    page.goto(f"{site}/accounts/password/reset/")
    page.get_by_label("E-mail").fill("someone@example.org")
    page.get_by_role("button", name="Send me the link").click()
    found = list(shown(page, "the answer to /accounts/password/reset/"))
    page.goto(site + reset_link(user).removeprefix(settings.BILAT_BASE_URL))
    form = page.url
    found += problems(page, form)
    page.get_by_label("New password:", exact=True).fill("password")
    page.get_by_label("New password confirmation:").fill("password")
    page.get_by_role("button", name="Set the new password").click()
    found += shown(page, f"{form} with its errors")
    assert not found, "\n".join(found)


def test_the_password_change_page_with_its_errors_fits_both_widths_and_passes_axe(
    site: str, context: BrowserContext
) -> None:
    """The page to change one's password, refused: a wrong current password and a new one
    the validators refuse, their messages beside the fields."""
    page = context.new_page()
    log_in(page, site, demo.EDITOR[0], demo.EDITOR[1])
    page.wait_for_url(re.compile(r".*/(coordination/|me/)?$"))
    found = list(problems(page, f"{site}/me/password/"))
    page.get_by_label("Current password").fill("not-the-password")
    page.get_by_label("New password:", exact=True).fill("password")
    page.get_by_label("New password confirmation:").fill("password")
    page.get_by_role("button", name="Change my password").click()
    found += shown(page, "/me/password/ with its errors")
    assert not found, "\n".join(found)


def test_the_checker_is_the_local_copy_from_npm() -> None:
    lock = json.loads((ROOT / "tests" / "js" / "package-lock.json").read_text("utf-8"))
    version = lock["packages"]["node_modules/axe-core"]["version"]
    assert version.startswith("4.")
    assert f"axe v{version}" in axe_script()[:300]


def test_a_table_too_wide_for_a_phone_scrolls_by_keyboard(site: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site}/country/US/")
    region = page.get_by_role("region", name="Table: Top organisations")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("e => e.scrollLeft > 0", arg=region.element_handle())
    context.close()


def test_charts_name_what_they_show(site: str, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/country/US/")
    page.wait_for_selector("#by_role .chart svg")
    page.wait_for_selector("#country_network .chart svg")
    # The name is the chart's text alternative (vega gives the drawn chart the same one).
    label = page.locator("#by_role .chart").get_attribute("aria-label") or ""
    assert label.startswith("Bar chart of participations by role, largest first: ")
    assert "Associated partner 745" in label
    network = page.locator("#country_network .chart").get_attribute("aria-label") or ""
    assert re.match(r"Network of \d+ countries taking part together in projects", network)
    context.close()
