"""Nothing missing looks like zero: what is not loaded is said to be not loaded, on the
overview, the profiles, explore, the project pages and the reports, and the years still being
signed are marked incomplete. Checked on the bundled data, which holds Horizon Europe's
participations (organization table of 29 May 2024) without its project table, and Horizon
2020's topics table alone."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import vl_convert
from django.test import Client

from bilat import charts, indicators
from bilat.indicators.coverage import coverage
from bilat.warehouse.store import Warehouse
from test_web_pages import text_of

from rawdata import he_organisations


def test_coverage_reads_what_each_programme_has(bundled: Warehouse) -> None:
    cover = coverage(bundled)
    assert [p.code for p in cover.loaded] == ["HE"]
    assert [p.code for p in cover.missing] == ["FP7", "H2020"]
    he = cover.get("HE")
    assert he.snapshot == date(2024, 5, 29) and not he.projects
    assert he.year_basis == "call" and list(he.incomplete_years) == [2023, 2024]


def test_the_series_marks_the_years_still_being_signed(bundled: Warehouse) -> None:
    rows = indicators.series(bundled, programme="HE").to_pylist()
    assert {row["year"]: row["complete"] for row in rows} == {
        2021: True, 2022: True, 2023: False, 2024: False
    }  # fmt: skip


def test_overview_and_profile_say_what_is_loaded_and_what_is_not(client: Client) -> None:
    for url in ("/", "/country/US/"):
        page = text_of(client.get(url))
        assert "Horizon Europe (2021-2027): participations loaded, as of 29 May 2024" in page
        assert "call years 2023-2024 still incomplete" in page
        assert "Not loaded: FP7 (2007-2013), Horizon 2020 (2014-2020)" in page


def test_the_filters_mark_programmes_not_loaded_and_leave_out_their_parts(client: Client) -> None:
    html = client.get("/country/US/").content.decode()
    assert '<option value="FP7">FP7 (2007-2013) (not loaded)</option>' in html
    assert '<option value="HE">Horizon Europe (2021-2027)</option>' in html
    assert ">Access to risk finance<" not in html  # a part of Horizon 2020 only
    assert ">Climate, Energy and Mobility<" in html and ">MSCA<" in html


def test_the_filters_offer_only_values_some_participation_has(
    client: Client, bundled: Warehouse
) -> None:
    """Each role, part, type and scheme group offered finds participations: the roles of the
    rows (not FP7's `partner` over Horizon Europe alone), no "(other)" part no row has, and
    no scheme group without the project table (the control says why)."""
    from bilat.web.forms import FilterForm

    roles = {r["role"] for r in bundled.query("SELECT DISTINCT role FROM participation_facts")}
    for url in ("/country/US/", "/compare/?countries=US,CA", "/explore/participations/"):
        form = client.get(url).context["form"]
        assert isinstance(form, FilterForm)
        offered = {
            name: [v for v, _ in getattr(control, "choices", []) if v]
            for name, control in form.fields.items()
        }
        assert set(offered["role"]) == roles
        assert "Excellent Science (other)" not in offered["programme_part"]
        assert "MSCA" in offered["programme_part"]
        assert offered["scheme_group"] == [] and form.fields["scheme_group"].disabled
    # A value asked for by address stays shown, so the form says what filters the page.
    asked = client.get("/country/US/?role=partner").context["form"]
    assert "partner" in [v for v, _ in asked.fields["role"].choices]


def test_columns_of_programmes_not_loaded_read_not_loaded(client: Client) -> None:
    html = client.get("/country/US/").content.decode()
    top = html[html.index('<section id="top_organisations"') :]
    top = top[: top.index("</section>")]
    rows = re.findall(r"<tr>(.*?)</tr>", top)[1:]
    assert len(rows) == 15
    assert all(row.count("—, not loaded") == 2 for row in rows)


def test_downloads_leave_programmes_not_loaded_empty_not_zero(
    client: Client, bundled: Warehouse, three_programmes: Warehouse
) -> None:
    """The figures of the page's "—, not loaded" are missing in every download too: an empty
    CSV cell, a JSON null, never 0; with the programme loaded they are counts again."""
    rows = indicators.top_organisations(bundled, country="US").to_pylist()
    assert all(r["participations_fp7"] is None and r["participations_h2020"] is None for r in rows)
    assert all(r["participations_he"] == r["participations"] for r in rows)
    loaded = indicators.top_organisations(three_programmes, country="US").to_pylist()
    assert all(isinstance(r["participations_h2020"], int) for r in loaded)
    table = client.get("/export/top_organisations.csv?country=US").content.decode()
    header, *lines = list(csv.reader(io.StringIO(table)))
    fp7, h2020 = header.index("participations_fp7"), header.index("participations_h2020")
    assert lines and all(line[fp7] == line[h2020] == "" for line in lines)
    answer = client.get("/export/top_organisations.json?country=US").json()
    found = answer["rows"] if isinstance(answer, dict) else answer
    assert all(r["participations_fp7"] is None for r in found)


def test_a_breakdown_the_data_cannot_give_says_so(client: Client) -> None:
    html = client.get("/country/US/").content.decode()
    scheme = html[html.index('<section id="by_scheme_group"') :]
    scheme = scheme[: scheme.index("</section>")]
    assert "project table, which is not loaded for Horizon Europe" in scheme
    assert "<table" not in scheme and "data-spec" not in scheme


def test_explore_lists_only_projects_with_participations(client: Client) -> None:
    projects = {r["projectID"] for r in he_organisations()}
    page = text_of(client.get("/explore/projects/"))
    assert f"{len(projects):,} projects" in page
    assert "H2020" not in re.sub(r"Horizon 2020 \(2014-2020\)", "", page.split("projects;")[1])


def test_a_project_of_a_programme_not_loaded_says_its_participations_are_missing(
    client: Client, bundled: Warehouse
) -> None:
    found = bundled.query("SELECT project_id FROM projects WHERE programme = 'H2020' LIMIT 1")
    page = text_of(client.get(f"/project/H2020/{found[0]['project_id']}/"))
    assert "Participations not loaded: the organization table of Horizon 2020" in page


def test_a_report_of_a_programme_not_loaded_is_refused(client: Client) -> None:
    response = client.get("/report/us-participation.html?country=US&programme=FP7")
    assert response.status_code == 400
    assert "FP7 is not loaded: a report of it would hold only empty tables" in text_of(response)


def test_small_shares_keep_their_significance(client: Client) -> None:
    html = text_of(client.get("/country/CN/"))
    assert "0.0%" not in html


def test_a_year_barely_begun_has_no_figures_rather_than_zero(bundled: Warehouse) -> None:
    per_year = {
        r["year"]: r["n"]
        for r in bundled.query(
            "SELECT year, count(*) AS n FROM participation_facts "
            "WHERE programme = 'HE' AND year IS NOT NULL GROUP BY year"
        )
    }
    # Call year 2024 over the organisation table of 29 May 2024: a handful of participations
    # against tens of thousands in a whole year.
    assert per_year[2024] < 0.1 * min(per_year[2021], per_year[2022]) < per_year[2023]
    assert coverage(bundled).get("HE").just_begun == (2024,)
    us_2023 = bundled.query(
        "SELECT count(*) AS n FROM participation_facts WHERE country = 'US' AND year = 2023"
    )[0]["n"]
    for country in ("US", "EU", "UA"):  # UA has a few 2024 rows, the US none
        rows = {r["year"]: r for r in indicators.series(bundled, country=country).to_pylist()}
        assert rows[2024]["complete"] is False
        assert rows[2024]["participations"] is None, country
        assert rows[2024]["ec_contribution"] is None and rows[2024]["share_participations"] is None
        assert rows[2023]["participations"] > 0, country
    us = {r["year"]: r for r in indicators.series(bundled, country="US").to_pylist()}
    assert us[2023]["participations"] == us_2023 and us[2023]["complete"] is False


def drawn_points(svg: str) -> list[str]:
    """The accessible names Vega gives the points of a line chart drawn as SVG."""
    return [label for label in re.findall(r'aria-label="([^"]*)"', svg) if "Year: " in label]


def test_the_trend_leaves_out_the_year_barely_begun_with_a_note(bundled: Warehouse) -> None:
    spec = charts.trend(indicators.series(bundled, country="US"), width=400, validate=True)
    data = spec["data"]["values"]
    assert {r["year"] for r in data} == {2021, 2022, 2023}
    assert all(r["participations"] for r in data)  # no point at 0
    note = "Not drawn: HE 2024, still being signed"
    assert note in " ".join(spec["title"]["text"]) and note in spec["description"]
    svg = vl_convert.vegalite_to_svg(spec)  # as the PDF reports draw it
    points = drawn_points(svg)
    assert points and not [p for p in points if "2024" in p or "Participations: 0;" in p]
    assert any("Year: 2023; Participations: 201" in p and "incomplete" in p for p in points)
    assert f"Title text &#39;{note}" in svg or f"Title text '{note}" in svg


def test_pages_and_reports_show_the_year_barely_begun_as_missing(client: Client) -> None:
    for url in ("/", "/country/US/", "/report/cooperation-monitoring.html?country=US"):
        html = client.get(url).content.decode()
        assert "Not drawn: HE 2024, still being signed" in html, url
        trend = html[html.index("Not drawn: HE 2024") :]  # the chart, then its table
        rows = re.findall(r"<tr>(.*?)</tr>", trend, flags=re.S)
        late = next(text_of_html(row) for row in rows if ">2024<" in row)
        assert " 0 " not in f" {late} " and "—" in late, (url, late)
    compared = client.get("/compare.json?countries=US,CA").json()["rows"]
    row = next(r for r in compared if r["item"] == "HE 2024")
    assert (row["US"], row["CA"], row["complete"]) == (None, None, False)


def test_an_organisations_years_still_being_signed_are_drawn_lighter(client: Client) -> None:
    html = client.get("/organisation/999467340/").content.decode()
    assert "Lighter: 2023, still being signed at the snapshot date" in html
    assert "2023 (HE) 12 (incomplete)" in html


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_a_project_without_its_project_table_says_its_dates_are_not_loaded(
    client: Client, bundled: Warehouse
) -> None:
    found = bundled.query(
        "SELECT project_id FROM participation_facts WHERE programme = 'HE' AND year = 2021 "
        "ORDER BY project_id LIMIT 1"
    )
    page = text_of(client.get(f"/project/HE/{found[0]['project_id']}/"))
    assert "Start and end not loaded (call year 2021)" in page
    assert "not loaded to" not in page
    assert " SME " in page and " Sme " not in page  # the participants' column title


def test_headline_figures_of_a_year_barely_begun_are_missing_with_the_reason(
    client: Client,
) -> None:
    """Call year 2024 (barely begun, as the test above computes) has no headline figures:
    the API answers null with the reason, never 0, and the profile says why it is empty."""
    answer = client.get("/api/indicators/headline?country=US&years=2024").json()
    [row] = answer["rows"]
    figures = {k: v for k, v in row.items() if k != "programme"}
    assert figures and set(figures.values()) == {None}, row
    reason = answer["about"]["missing"]
    assert reason.startswith("Call year 2024 of Horizon Europe") and "barely begun" in reason
    # Likewise for a country with some 2024 rows (UA), and per programme over all years
    # the figures stay numbers, and 2023 (incomplete but well begun) keeps its figures.
    ua = client.get("/api/indicators/headline?country=UA&years=2024").json()
    assert ua["rows"][0]["participations"] is None and ua["about"]["missing"] == reason
    us_2023 = client.get("/api/indicators/headline?country=US&years=2023").json()
    assert us_2023["rows"][0]["participations"] > 0 and "missing" not in us_2023["about"]
    page = text_of(client.get("/country/US/?years=2024"))
    assert "No participation of the United States under these filters" in page
    assert reason.replace("'", "&#x27;") in client.get("/country/US/?years=2024").content.decode()
    assert "barely begun" in page
