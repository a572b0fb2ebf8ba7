"""The monitoring reports on the bundled real data: their tables hold the indicators' figures,
the PDF is a valid A4 document with its figures and page numbers, the HTML is the same bytes
for the same data, and the workbook holds every table. The first pages of each PDF are drawn
to PNG under var/report-pages/ (kept out of git) to be looked at."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from bilat import indicators
from bilat.cli import main
from bilat.errors import ParameterError
from bilat.reports import make
from bilat.reports.document import Builder, Document
from bilat.warehouse.store import Warehouse

from conftest import ROOT
from rawdata import he_organisations, he_status_in_force

PAGES = ROOT / "var" / "report-pages"


@pytest.fixture(scope="module")
def participation(bundled: Warehouse) -> Document:
    return make.build(bundled, "us-participation")


@pytest.fixture(scope="module")
def monitoring(bundled: Warehouse) -> Document:
    return make.build(bundled, "cooperation-monitoring")


def pdf_of(document: Document, name: str) -> PdfReader:
    data = make.pdf(document)
    PAGES.mkdir(parents=True, exist_ok=True)
    path = PAGES / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "4", str(path), str(PAGES / name)],
        check=True,
    )
    return PdfReader(io.BytesIO(data))


def test_participation_tables_hold_the_indicator_figures(
    participation: Document, bundled: Warehouse
) -> None:
    tables = {table.title: table for table in participation.tables}
    assert [t.number for t in participation.tables] == list(range(1, len(tables) + 1))
    headline = tables["Headline figures and share of each programme's total"].data
    assert headline.column("participations").to_pylist() == [866]
    assert headline.column("ec_contribution").to_pylist() == [Decimal("52761214.82")]
    roles = tables["Participations by role, funded and unfunded"]
    expected = indicators.by_role(bundled).to_pylist()
    assert [r[:2] for r in roles.rows] == [
        [(r["title"], False), (f"{r['participations']:,}", True)] for r in expected
    ]
    states = tables["US participations by state"]
    assert states.data.num_rows == 43 and len(states.rows) == 25
    assert "First 25 of 43 rows" in states.note
    top = tables["The organisations of the United States with most participations"]
    assert top.rows[0][1][0] == "THE REGENTS OF THE UNIVERSITY OF CALIFORNIA"
    html = make.html(participation)
    assert "Table 1. Headline figures" in html and "Figure 1. " in html
    # Programme parts, organisation types, states, partners: types of action have no figure
    # without a project table (Horizon Europe in the bundled data).
    assert html.count("<svg") == len(participation.figures) == 4
    assert "866 times" in html and "€52.8 million" in html


def test_the_same_data_gives_the_same_html(bundled: Warehouse, participation: Document) -> None:
    again = make.build(bundled, "us-participation")
    assert make.html(again) == make.html(participation)
    dated = make.build(bundled, "us-participation", generated=date(2026, 11, 25))
    assert "2026-11-25" in make.html(dated) and "2026-11-25" not in make.html(participation)
    assert "latest record 2024-05-29" in make.html(participation)


def test_participation_pdf_is_a4_with_figures_and_page_numbers(participation: Document) -> None:
    reader = pdf_of(participation, "us-participation")
    assert len(reader.pages) >= 10
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Participation of the United States in the EU framework programmes" in text
    for figure in participation.figures:
        assert f"Figure {figure.number}. {figure.title}" in text
    assert "Table 1. Headline figures" in text
    assert f"3 / {len(reader.pages)}" in text  # page numbers from the second page on
    assert "CC BY 4.0" in text
    assert (PAGES / "us-participation-01.png").stat().st_size > 5_000


def test_the_pdf_draws_every_figure(participation: Document) -> None:
    """The PDF gives WeasyPrint each figure as an SVG image (the HTML has it inline): every
    label of every drawing is there as text, which a figure not drawn would not have."""
    pdf = make.pdf(participation)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    for figure in participation.figures:
        labels = {unescape(label) for label in re.findall(r"<text[^>]*>([^<]+)</text>", figure.svg)}
        assert len(labels) > 3
        assert sorted(label for label in labels if label not in text) == [], figure.title
    assert "<img" in make.html(participation, printing=True)
    assert "<img" not in make.html(participation)


def test_the_figures_as_images_draw_the_same_pages_as_inline_svg(
    participation: Document, tmp_path: Path
) -> None:
    """The fast path (each figure an SVG image) against the slow one (the SVG inline, as the
    HTML report has it): every page drawn to the same pixels."""
    import weasyprint

    inline = weasyprint.HTML(string=make.html(make.printed(participation))).write_pdf()
    drawn: dict[str, list[bytes]] = {}
    for name, data in (("inline", inline), ("images", make.pdf(participation))):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", "50", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
            check=True,
        )
        drawn[name] = [page.read_bytes() for page in sorted(tmp_path.glob(f"{name}-*.ppm"))]
    assert len(drawn["images"]) >= 10
    assert drawn["images"] == drawn["inline"]


def test_the_indicators_started_ahead_are_awaited_and_their_errors_raised(
    bundled: Warehouse, tmp_path: Path
) -> None:
    """A report's chapters no longer wait for every indicator started ahead: `finish` does,
    and raises what failed, except an indicator that does not apply (US states of Canada),
    which only its chapter would ask for."""
    builder = Builder(bundled, {"country": "CA"})
    builder.prefetch([("headline", {}), ("by_state", {})])
    builder.finish()
    assert builder.indicator("headline").num_rows > 0
    with pytest.raises(ParameterError, match="United States"):
        builder.indicator("by_state")
    broken = tmp_path / "broken.duckdb"
    broken.write_text("not a warehouse")
    builder = Builder(Warehouse(broken), {"country": "US"})
    builder.prefetch([("headline", {})])
    with pytest.raises(Exception, match="not a valid DuckDB database"):
        builder.finish()


def test_monitoring_report_has_findings_that_cite_their_tables(
    monitoring: Document, bundled: Warehouse
) -> None:
    findings = next(c for c in monitoring.chapters if c.slug == "findings")
    sentences = [block.text for block in findings.blocks]
    peers = indicators.peer_benchmark(bundled).to_pylist()
    us = next(row for row in peers if row["country"] == "US")
    # The rank read from the raw rows: countries with more participations as a third country
    # (the United Kingdom and Switzerland, third countries for the 2021-2023 calls).
    third = Counter(
        r["country"]
        for r in he_organisations()
        if r["country"] and he_status_in_force(r) == "third_country"
    )
    rank = 1 + sum(1 for n in third.values() if n > third["US"])
    assert (rank, us["rank_participations"]) == (3, 3)
    assert any(
        f"ranks 3rd of {us['third_countries']} non-associated third countries by "
        f"participations as a third country ({third['US']:,})" in s
        for s in sentences
    )
    # The rank by EU contribution is out of the countries ranked by it (those whose amount is
    # known), not out of those ranked by participations.
    assert us["third_countries_ec_contribution"] < us["third_countries"]
    assert any(
        f" of {us['third_countries_ec_contribution']} by EU contribution (" in s for s in sentences
    )
    assert all("(Table" in s for s in sentences)
    themes = next(c for c in monitoring.chapters if c.slug == "themes")
    parts = next(b for b in themes.blocks if getattr(b, "title", "").endswith("programme part"))
    msca = next(r for r in parts.data.to_pylist() if r["area"] == "MSCA")
    overall = indicators.headline(bundled).to_pylist()[0]["share_participations"]
    assert msca["specialisation"] == pytest.approx(msca["programme_share"] / overall)
    reader = pdf_of(monitoring, "cooperation-monitoring")
    # The findings chapter, text only, follows the previous chapter on its page.
    assert any(re.search(r"^\d+\. Findings$", page.extract_text(), re.M) for page in reader.pages)


def test_a_report_for_another_country_has_no_us_states(bundled: Warehouse) -> None:
    canada = make.build(bundled, "us-participation", country="CA")
    assert canada.title == "Participation of Canada in the EU framework programmes"
    assert "states" not in [c.slug for c in canada.chapters]
    table = canada.tables[0].data.to_pylist()[0]
    assert (
        table["participations"]
        == indicators.headline(bundled, country="CA").to_pylist()[0]["participations"]
    )


def test_the_previous_programme_is_compared_when_loaded(three_programmes: Warehouse) -> None:
    document = make.build(three_programmes, "us-participation", programme="H2020")
    comparison = next(c for c in document.chapters if c.slug == "comparison")
    table = next(b for b in comparison.blocks if hasattr(b, "data"))
    assert table.data.column("programme").to_pylist() == ["FP7", "H2020", "ALL"]
    only_he = make.build(three_programmes, "us-participation", programme="HE")
    assert "H2020" in only_he.programmes or "Horizon Europe" in only_he.programmes


def test_the_workbook_holds_every_table_whole(participation: Document) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(make.xlsx(participation)))
    assert len(book.sheet_names) == len(participation.tables) + 1  # and the About sheet
    states = next(t for t in participation.tables if t.title == "US participations by state")
    sheet = book.get_sheet_by_name(
        next(n for n in book.sheet_names if n.startswith(f"T{states.number} "))
    )
    assert len(sheet.to_python()) == states.data.num_rows + 1


def test_the_command_writes_each_format(bundled_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "ca.html"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "cooperation-monitoring",
            "--country",
            "CA",
            "--format",
            "html",
            "-o",
            str(target),
            "--warehouse",
            str(bundled_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Cooperation monitoring report for Canada" in result.output
    assert "EU cooperation with Canada in research and innovation" in target.read_text()
    wrong = CliRunner().invoke(
        main,
        [
            "report",
            "cooperation-monitoring",
            "--country",
            "Narnia",
            "--warehouse",
            str(bundled_path),
        ],
    )
    assert wrong.exit_code == 1
    assert "'Narnia' is not a known country" in wrong.output


def test_the_country_profile_links_to_its_reports(client: Client) -> None:
    html = client.get("/country/US/?programme=HE").content.decode()
    assert 'href="/report/us-participation.pdf?country=US&amp;programme=HE"' in html
    response = client.get("/report/us-participation.xlsx?country=US")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="us-participation-US.xlsx"'
    assert client.get("/report/us-participation.docx").status_code == 400
    assert client.get("/report/nope.pdf").status_code == 400


def test_the_pdf_shows_each_programmes_first_parts_and_the_html_all(
    three_programmes: Warehouse,
) -> None:
    document = make.build(three_programmes, "us-participation")
    whole = next(t for t in document.tables if t.title == "Participations by programme part")
    shown = next(t for t in make.printed(document).tables if t.number == whole.number)
    per_programme = Counter(row[0][0] for row in whole.rows)
    assert max(per_programme.values()) > make.PRINTED_PER_PROGRAMME  # the case the cut is for
    for programme in per_programme:
        rows = [row for row in whole.rows if row[0][0] == programme]
        assert [row for row in shown.rows if row[0][0] == programme] == rows[:8]
    assert f"{len(shown.rows)} of {len(whole.rows)}; the HTML report and the workbook have all" in (
        shown.note
    )
    html = make.html(document).split(f'id="table-{whole.number}"', 1)[1].split("</table>", 1)[0]
    assert html.count("<tr>") == len(whole.rows) + 1  # and the header
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(make.pdf(document))).pages
    )
    assert f"{len(shown.rows)} of {len(whole.rows)}; the HTML report and the workbook" in text
