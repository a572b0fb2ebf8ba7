"""Several countries side by side (`/compare/`, `/api/compare`, the downloads) and the country
picker every page carries: each column is its own country, recomputed here from the raw
Horizon Europe file with plain Python; bad codes are refused naming them; a country without
data reads "—", never 0."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from python_calamine import CalamineWorkbook

from bilat.cli import main
from bilat.cordis.roles import ROLE_TITLES
from bilat.errors import ParameterError
from bilat.indicators import comparison
from bilat.warehouse.store import Warehouse

from rawdata import he_organisations, money

COUNTRIES = ("US", "CA", "JP", "CN")


def raw_column(code: str) -> dict[str, object]:
    """What the comparison should say of one country, read from the raw organization table."""
    rows = [row for row in he_organisations() if row["country"] == code]
    return {
        "participations": len(rows),
        "funded": sum(1 for row in rows if money(row["ecContribution"]) > 0),
        "projects": len({row["projectID"] for row in rows}),
        "ec": sum((money(row["ecContribution"]) for row in rows), Decimal(0)),
        "roles": Counter(ROLE_TITLES.get(row["role"], row["role"]) for row in rows),
    }


def block(found: comparison.Comparison, name: str) -> comparison.Block:
    return next(b for b in found.blocks if b.name == name)


def values(found: comparison.Comparison, name: str, item: str, measure: str) -> tuple:
    return next(
        row.values for row in block(found, name).rows if row.item == item and row.measure == measure
    )


def test_each_column_is_its_own_country_as_the_raw_file_counts_it(bundled: Warehouse) -> None:
    found = comparison.compare(bundled, ",".join(COUNTRIES))
    assert [c.code for c in found.columns] == list(COUNTRIES)
    raw = [raw_column(code) for code in COUNTRIES]
    assert values(found, "headline", "Participations", "participations") == tuple(
        r["participations"] for r in raw
    )
    assert values(found, "headline", "Funded participations", "funded_participations") == tuple(
        r["funded"] for r in raw
    )
    assert values(found, "headline", "Projects", "projects") == tuple(r["projects"] for r in raw)
    contributions = values(found, "headline", "EU contribution (EUR)", "ec_contribution")
    assert [round(Decimal(str(v)), 2) for v in contributions] == [r["ec"] for r in raw]
    # Never added up: the first column is the US alone (866), not the four together.
    assert contributions[0] != sum(contributions)
    for role in {title for r in raw for title in r["roles"]}:
        expected = tuple(r["roles"][role] for r in raw)
        assert values(found, "by_role", role, "participations") == expected, role
        shares = values(found, "by_role", role, "share")
        assert shares == tuple(  # four significant digits, as every output gives them
            float(f"{r['roles'][role] / r['participations']:.4g}") for r in raw
        ), role


def test_a_valid_country_without_data_is_empty_not_zero(bundled: Warehouse) -> None:
    found = comparison.compare(bundled, ["US", "AQ"])  # Antarctica: no participation
    us, antarctica = found.columns
    assert us.has_data and not antarctica.has_data
    for b in found.blocks:
        for row in b.rows:
            assert row.values[1] is None, (b.name, row.item)
    table = found.table()
    assert table.column("AQ").null_count == table.num_rows


def test_bad_codes_are_refused_naming_them(bundled: Warehouse) -> None:
    with pytest.raises(ParameterError, match="'XX' is not a known country") as refused:
        comparison.compare(bundled, ["US", "XX"])
    assert refused.value.parameter == "countries"
    with pytest.raises(ParameterError, match="at most 12"):
        comparison.compare(bundled, "US,CA,JP,CN,KR,AU,BR,IN,ZA,DE,FR,IT,ES")


def test_repeated_and_comma_separated_countries_are_the_same(bundled: Warehouse) -> None:
    repeated = comparison.compare(bundled, ["us", "Canada", "CA"], programme="HE")
    listed = comparison.compare(bundled, "US,CA", programme="HE")
    assert [c.code for c in repeated.columns] == ["US", "CA"]
    assert repeated.table().equals(listed.table())


def test_filters_apply_to_every_column(bundled: Warehouse) -> None:
    found = comparison.compare(bundled, "US,CA", role="associatedPartner")
    expected = tuple(
        raw_column(code)["roles"][ROLE_TITLES["associatedPartner"]] for code in ("US", "CA")
    )
    assert values(found, "headline", "Participations", "participations") == expected


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_shows_one_column_per_country_and_links_each_profile(client: Client) -> None:
    response = client.get("/compare/?countries=US,CA,JP,CN,AQ&programme=HE")
    assert response.status_code == 200
    html = response.content.decode()
    for code in (*COUNTRIES, "AQ"):
        assert f'href="/country/{code}/?programme=HE"' in html, code
    page = text_of(html)
    raw = [raw_column(code)["participations"] for code in COUNTRIES]
    assert "Participations " + " ".join(f"{n:,}" for n in raw) + " —" in page
    assert "No participation of Antarctica in the data loaded under these filters" in page
    assert 'href="/compare.csv?countries=US%2CCA%2CJP%2CCN%2CAQ&amp;programme=HE"' in html
    assert 'href="/api/compare?countries=US%2CCA%2CJP%2CCN%2CAQ&amp;programme=HE"' in html


def test_bad_codes_get_a_400_page_and_error_naming_them(client: Client) -> None:
    page = client.get("/compare/?countries=US&countries=XX")
    assert page.status_code == 400
    assert "countries: &#x27;XX&#x27; is not a known country" in page.content.decode()
    api = client.get("/api/compare?countries=US,ZZ")
    assert api.status_code == 400
    assert api.json()["parameter"] == "countries" and "'ZZ'" in api.json()["detail"]
    assert client.get("/compare.csv?countries=QQ").status_code == 400


def test_downloads_and_api_hold_the_same_figures(client: Client, bundled: Warehouse) -> None:
    found = comparison.compare(bundled, "US,AQ")
    expected = [(b.title, row.item, row.values) for b in found.blocks for row in b.rows]
    text = client.get("/compare.csv?countries=US&countries=AQ").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0].keys() == {"block", "item", "measure", "complete", "US", "AQ"}
    assert [(r["block"], r["item"]) for r in rows] == [(t, i) for t, i, _ in expected]
    assert [float(r["US"]) if r["US"] else None for r in rows] == [v[0] for _, _, v in expected]
    assert {r["AQ"] for r in rows} == {""}  # missing, never 0
    workbook = client.get("/compare.xlsx?countries=US,AQ").content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook)).get_sheet_by_index(0)
    cells = sheet.to_python()
    assert cells[0] == ["block", "item", "measure", "complete", "US", "AQ"]
    assert cells[1][4] == raw_column("US")["participations"]
    api = client.get("/api/compare?countries=US&countries=AQ").json()
    assert [c["code"] for c in api["columns"]] == ["US", "AQ"]
    assert api["columns"][1]["has_data"] is False
    headline = api["blocks"][0]["rows"][0]
    assert headline["values"] == {"US": raw_column("US")["participations"], "AQ": None}
    assert json.loads(client.get("/compare.json?countries=US").content)["rows"]


MEASURE_WORDS = comparison.MEASURE_TITLES
COUNT_MEASURES = {"participations", "funded participations", "organisations", "projects",
                  "projects coordinated"}  # fmt: skip
MONEY_MEASURES = {"EU contribution (EUR)"}


def read_back(fmt: str, data: bytes) -> list[tuple[str, str, str, object, object]]:
    """(block, item, measure, US, AQ) from a downloaded file, each value as the file holds it:
    text from a CSV, the parsed value from JSON, the cell's value from XLSX; the rows of a
    year barely begun (no figure for anyone, complete false) left out."""
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode())))
    elif fmt == "json":
        rows = json.loads(data)["rows"]
    else:
        cells = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        rows = [dict(zip(cells[0], line, strict=True)) for line in cells[1:]]
    barely_begun = [r for r in rows if r["US"] in ("", None)]
    assert [(r["item"], r["complete"]) for r in barely_begun] == [
        ("HE 2024", "False" if fmt == "csv" else False)
    ]
    return [
        (r["block"], r["item"], r["measure"], r["US"], r["AQ"])
        for r in rows
        if r not in barely_begun
    ]


def significant(number: float) -> int:
    """How many significant digits a share is written with (0.0001785 has 4)."""
    return len(f"{number!r}".split("e")[0].replace(".", "").replace("-", "").lstrip("0"))


def assert_typed(fmt: str, found: list[tuple[str, str, str, object, object]]) -> None:
    """Counts are integers (866, never 866.0), amounts to the cent, shares to 4 significant
    digits, and the country without data is missing, never 0."""
    raw = raw_column("US")
    assert set(measure for _, _, measure, _, _ in found) >= COUNT_MEASURES | MONEY_MEASURES
    for block_title, item, measure, us, aq in found:
        where = (fmt, block_title, item, measure, us)
        assert aq in ("", None), where  # missing, never 0
        if fmt == "csv":
            assert isinstance(us, str)
            if measure in COUNT_MEASURES:
                assert re.fullmatch(r"0|[1-9]\d*", us), where
            elif measure in MONEY_MEASURES:
                assert re.fullmatch(r"\d+(\.\d{1,2})?", us), where
            else:
                assert significant(float(us)) <= 4, where
            continue
        assert isinstance(us, int | float) and not isinstance(us, bool), where
        if measure in COUNT_MEASURES:
            assert float(us).is_integer(), where
            if fmt == "json":
                assert type(us) is int, where
        elif measure in MONEY_MEASURES:
            assert round(us, 2) == us, where
        else:
            assert significant(float(us)) <= 4, where
    figures = {(b, i, m): us for b, i, m, us, _ in found}
    assert (
        int(figures["Headline figures", "Participations", "participations"])
        == raw["participations"]
    )
    ec = figures["Headline figures", "EU contribution (EUR)", "EU contribution (EUR)"]
    assert Decimal(str(ec)) == raw["ec"]
    role = ROLE_TITLES["associatedPartner"]
    share = float(figures["By role", role, "share of the country's participations"])
    assert share == float(f"{raw['roles'][role] / raw['participations']:.4g}")


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_downloads_read_back_with_whole_counts_and_amounts_to_the_cent(
    client: Client, fmt: str
) -> None:
    answer = client.get(f"/compare.{fmt}?countries=US,AQ")
    assert answer.status_code == 200
    assert_typed(fmt, read_back(fmt, answer.content))


def test_the_api_and_the_cli_give_counts_as_integers(client: Client, bundled_path: Path) -> None:
    api = client.get("/api/compare?countries=US&countries=AQ").json()
    found = [
        (b["title"], r["item"], MEASURE_WORDS[r["measure"]], r["values"]["US"], r["values"]["AQ"])
        for b in api["blocks"]
        for r in b["rows"]
        if r["item"] != "HE 2024"  # barely begun: no figure, as read_back checks
    ]
    assert_typed("json", found)
    for fmt in ("csv", "json"):
        result = CliRunner().invoke(
            main, ["compare", "US", "AQ", "--warehouse", str(bundled_path), "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        assert_typed(fmt, read_back(fmt, result.stdout.encode()))


@pytest.mark.django_db
def test_every_page_carries_the_country_picker(client: Client) -> None:
    for url in ("/", "/country/CA/", "/explore/projects/", "/compare/", "/sources/",
                "/events/", "/no-such-page/"):  # fmt: skip
        html = client.get(url).content.decode()
        form = re.search(
            r'<form class="picker" method="get" action="/country/".*?</form>', html, re.S
        )
        assert form, url
        assert '<label for="picker-country">Profile of</label>' in form[0]
        assert '<option value="CA"' in form[0] and '<option value="US"' in form[0]
    profile = client.get("/country/CA/").content.decode()
    assert '<option value="CA" selected>Canada</option>' in profile


def test_the_picker_leads_to_the_profile_keeping_the_filters(client: Client) -> None:
    answer = client.get("/country/?country=Canada&programme=HE")
    assert answer.status_code == 302
    assert answer["Location"] == "/country/CA/?programme=HE"
    refused = client.get("/country/?country=XX")
    assert refused.status_code == 400
    assert "&#x27;XX&#x27; is not a known country" in refused.content.decode()


def test_the_profiles_and_home_link_to_the_comparison(client: Client) -> None:
    assert 'href="/compare/?countries=US,CA,JP,CN"' in client.get("/").content.decode()
    profile = client.get("/country/JP/?programme=HE").content.decode()
    assert 'href="/compare/?countries=JP%2CUS%2CCA%2CCN&amp;programme=HE"' in profile


def test_filters_that_leave_nothing_say_why_instead_of_failing(
    bundled: Warehouse, client: Client
) -> None:
    found = comparison.compare(bundled, "US,CA", programme="FP7")  # FP7 is not bundled
    assert found.empty
    assert all(v is None for b in found.blocks for row in b.rows for v in row.values)
    page = client.get("/compare/?countries=US,CA&programme=FP7")
    assert page.status_code == 200
    text = text_of(page.content.decode())
    assert "No participation of these countries under these filters" in text
    assert "FP7 (2007-2013) is not loaded" in text
