"""Charts that read, in Chromium: on every page type that draws charts, at a desktop and a
phone width, no two visible labels of a chart overlap, none is cut by the chart's edge, count
axes are written in whole numbers and year axes as years."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page

from conftest import shot
from rawdata import he_organisations

# Every visible text of every chart's SVG, with its box; Vega hides labels that would
# collide, and the network's labels that fit nowhere, by an opacity of 0.
TEXTS = """() => [...document.querySelectorAll('.chart svg')].map((svg, chart) => {
  const frame = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].filter(t =>
    t.textContent.trim() && t.getAttribute('opacity') !== '0'
    && getComputedStyle(t).opacity !== '0' && !t.closest('[opacity="0"]'));
  return {chart: svg.closest('.chart').dataset.spec || String(chart),
          frame: [frame.left, frame.top, frame.right, frame.bottom],
          texts: texts.map(t => { const b = t.getBoundingClientRect();
            return [t.textContent, b.left, b.top, b.right, b.bottom,
                    t.closest('.role-axis-label') !== null]; })};
})"""


def _overlap(a: list, b: list) -> bool:
    # A text's box holds room above and below its letters, and Vega places the network's
    # labels with its own measure of them: a collision is an overlap of more than 2 pixels.
    return min(a[3], b[3]) - max(a[1], b[1]) > 2 and min(a[4], b[4]) - max(a[2], b[2]) > 2


def _settled(page: Page) -> list:
    """The charts' texts once they stop moving: the networks' force layouts settle in a few
    seconds, longer on a loaded machine (a fixed wait of 4 s read one mid-layout there)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart')].every(c => c.querySelector('svg'))",
        timeout=60_000,
    )
    last = None
    for _ in range(120):
        found = page.evaluate(TEXTS)
        if found == last:
            return found
        last = found
        page.wait_for_timeout(500)
    raise AssertionError("the charts' texts were still moving after a minute")


def _us_organisation_with_one_participation() -> str:
    counts: dict[str, int] = {}
    for row in he_organisations():
        if row["country"] == "US":
            counts[row["organisationID"]] = counts.get(row["organisationID"], 0) + 1
    return next(pic for pic, n in sorted(counts.items()) if n == 1)


@pytest.mark.parametrize("width", [1366, 390])
def test_chart_labels_neither_collide_nor_get_cut(site: str, browser: Browser, width: int) -> None:
    pages = [
        "/",
        "/country/US/",
        "/country/CA/",
        f"/organisation/{_us_organisation_with_one_participation()}/",
    ]
    for path in pages:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{site}{path}", timeout=120_000)
        page.wait_for_selector(".chart svg", timeout=20_000)
        charts = _settled(page)
        assert charts, path
        for chart in charts:
            left, top, right, bottom = chart["frame"]
            texts = chart["texts"]
            for text in texts:
                assert left - 1 <= text[1] and text[3] <= right + 1, (
                    path,
                    width,
                    chart["chart"],
                    text,
                )
                assert top - 1 <= text[2] and text[4] <= bottom + 1, (
                    path,
                    width,
                    chart["chart"],
                    text,
                )
            for i, a in enumerate(texts):
                for b in texts[i + 1 :]:
                    assert not _overlap(a, b), (path, width, chart["chart"], a[0], b[0])
        shot(page, f"charts-{path.strip('/').replace('/', '-') or 'home'}-{width}")
        page.close()


def test_count_axes_hold_whole_numbers_and_year_axes_years(site: str, browser: Browser) -> None:
    """An organisation with one participation: its column per year must not count 0.2
    participations, and its year must read 2023, not 2,023."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{site}/organisation/{_us_organisation_with_one_participation()}/", timeout=120_000)
    page.wait_for_selector(".chart svg .role-axis-label text", timeout=20_000)
    labels = page.evaluate(
        "() => [...document.querySelectorAll('.chart svg .role-axis-label text')]"
        ".filter(t => t.getAttribute('opacity') !== '0').map(t => t.textContent)"
    )
    years = [label for label in labels if re.fullmatch(r"20\d\d", label)]
    counts = [label for label in labels if label not in years]
    assert years and counts
    assert all(re.fullmatch(r"\d[\d,]*", label) for label in counts), counts
    page.goto(f"{site}/country/US/", timeout=120_000)
    page.wait_for_selector("#series .chart svg .role-axis-label text", timeout=20_000)
    trend = page.evaluate(
        "() => [...document.querySelectorAll('#series .chart svg .role-axis-label text')]"
        ".map(t => [t.textContent, t.getAttribute('transform') || ''])"
    )
    years = [(text, transform) for text, transform in trend if re.fullmatch(r"20\d\d", text)]
    assert years and all("rotate" not in transform for _, transform in years)
    assert not [text for text, _ in trend if re.fullmatch(r"2,0\d\d|20\d\d\.\d", text)]
    page.close()
