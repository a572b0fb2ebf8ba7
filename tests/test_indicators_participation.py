"""Headline, series and breakdown indicators against plain computations over the raw rows.

Every expected value is recomputed here with Python's csv over the bundled files; the US
figures of issue #2 are also checked as literals, through the indicators this time.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from bilat import indicators
from bilat.warehouse.store import Warehouse

from rawdata import he_call_years, he_fields, he_organisations, he_unique_parts, money


def rows_of(country: str) -> list[dict[str, str]]:
    return [row for row in he_organisations() if row["country"] == country]


def by(table, *keys: str) -> dict:
    """Rows of an indicator keyed by the given columns."""
    found = {}
    for row in table.to_pylist():
        found[tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]] = row
    return found


def funded(row: dict[str, str]) -> bool:
    return money(row["ecContribution"]) > 0


def test_headline_reproduces_the_us_figures_of_the_warehouse_issue(bundled: Warehouse) -> None:
    (found,) = indicators.headline(bundled, country="US").to_pylist()
    assert found["programme"] == "HE"
    assert (found["participations"], found["projects"], found["organisations"]) == (866, 659, 375)
    assert found["ec_contribution"] == Decimal("52761214.82")
    assert found["net_ec_contribution"] == Decimal("53408499.32")


@pytest.mark.parametrize("country", ["US", "CN", "DE", "CH", "ZA"])
def test_headline_counts_and_shares_match_the_raw_rows(bundled: Warehouse, country: str) -> None:
    everyone = he_organisations()
    mine = rows_of(country)
    (found,) = indicators.headline(bundled, country=country).to_pylist()
    expected = {
        "participations": len(mine),
        "funded_participations": sum(funded(r) for r in mine),
        "unfunded_participations": sum(not funded(r) for r in mine),
        "organisations": len({r["organisationID"] for r in mine}),
        "projects": len({r["projectID"] for r in mine}),
        "coordinated_projects": len({r["projectID"] for r in mine if r["role"] == "coordinator"}),
        "ec_contribution": sum((money(r["ecContribution"]) for r in mine), Decimal(0)),
        "net_ec_contribution": sum((money(r["netEcContribution"]) for r in mine), Decimal(0)),
    }
    assert {key: found[key] for key in expected} == expected
    assert found["share_participations"] == pytest.approx(len(mine) / len(everyone))
    total_ec = sum(money(r["ecContribution"]) for r in everyone)
    assert found["share_ec_contribution"] == pytest.approx(
        float(expected["ec_contribution"] / total_ec)
    )
    all_projects = len({r["projectID"] for r in everyone})
    assert found["share_projects"] == pytest.approx(expected["projects"] / all_projects)


def test_filters_restrict_the_rows_counted(bundled: Warehouse) -> None:
    calls = he_call_years()
    msca = {p for p, code in he_unique_parts().items() if code.startswith("HORIZON.1.2")}
    wanted = [
        r
        for r in rows_of("US")
        if r["activityType"] == "HES"
        and r["role"] == "associatedPartner"
        and r["projectID"] in msca
        and calls.get(r["projectID"]) == 2022
    ]
    (found,) = indicators.headline(
        bundled,
        country="US",
        organisation_type="hes",
        role="associatedpartner",
        programme_part="MSCA",
        years="2022",
    ).to_pylist()
    assert found["participations"] == len(wanted) > 0
    assert found["projects"] == len({r["projectID"] for r in wanted})


def test_series_counts_each_call_year_and_adds_up_to_the_headline(bundled: Warehouse) -> None:
    calls = he_call_years()
    mine = rows_of("US")
    expected = Counter(calls[r["projectID"]] for r in mine)
    table = indicators.series(bundled, country="US")
    found = {row["year"]: row["participations"] for row in table.to_pylist()}
    # Topic codes without a year (47 rows, e.g. HORIZON-KDT-JU-1-IA-Focus-Topic-1) have none.
    everyone = Counter(calls[r["projectID"]] for r in he_organisations() if r["projectID"] in calls)
    # A whole year where others took part and the US did not is shown with zero; call year
    # 2024, barely begun at the snapshot (a handful of rows in all), has no figure, not 0.
    assert found == {year: expected.get(year, 0) if year != 2024 else None for year in everyone}
    assert everyone[2024] < 0.1 * everyone[2021] and not expected.get(2024)
    assert sum(n for n in found.values() if n is not None) == 866
    assert {row["year_basis"] for row in table.to_pylist()} == {"call"}
    assert by(table, "year")[2021]["programme_year"] == 1
    assert by(table, "year")[2022]["share_participations"] == pytest.approx(
        expected[2022] / everyone[2022]
    )


@pytest.mark.parametrize(
    ("name", "key", "raw"),
    [
        ("by_role", "role", lambda r: r["role"]),
        ("by_organisation_type", "organisation_type", lambda r: r["activityType"] or "unknown"),
        (
            "by_sme",
            "sme",
            lambda r: {"true": "SME", "false": "not SME"}.get(r["SME"], "unknown"),
        ),
    ],
)
def test_breakdowns_count_every_participation_under_its_value(
    bundled: Warehouse, name: str, key: str, raw
) -> None:
    mine = rows_of("US")
    table = indicators.get(name)(bundled, country="US")
    found = {row[key]: row["participations"] for row in table.to_pylist()}
    assert found == dict(Counter(raw(r) for r in mine))
    money_found = {row[key]: row["ec_contribution"] for row in table.to_pylist()}
    # A sum of only empty amounts is missing, not 0 (the US associated partners: all 745
    # have an empty ecContribution, as CORDIS leaves unfunded associated partners).
    money_raw: dict[str, Decimal | None] = {}
    for r in mine:
        before = money_raw.get(raw(r))
        if r["ecContribution"]:
            money_raw[raw(r)] = (before or Decimal(0)) + money(r["ecContribution"])
        else:
            money_raw[raw(r)] = before
    assert money_found == money_raw
    assert sum(row["share"] for row in table.to_pylist()) == pytest.approx(1.0)


def test_roles_reproduce_the_issue_figures(bundled: Warehouse) -> None:
    found = by(indicators.by_role(bundled), "role")
    assert {role: row["participations"] for role, row in found.items()} == {
        "associatedPartner": 745,
        "participant": 104,
        "thirdParty": 17,
    }
    assert found["associatedPartner"]["funded_participations"] == 0
    assert found["associatedPartner"]["title"] == "Associated partner"
    everyone = Counter(r["role"] for r in he_organisations())
    assert found["participant"]["programme_share"] == pytest.approx(104 / everyone["participant"])


def test_programme_parts_reproduce_the_issue_figures(bundled: Warehouse) -> None:
    parts = he_unique_parts()
    mine = rows_of("US")
    table = by(indicators.by_programme_part(bundled), "programme_part_code")
    raw = Counter(parts[r["projectID"]].rstrip(".") for r in mine)
    assert table["HORIZON.1.2"]["participations"] == raw["HORIZON.1.2"] == 607
    assert table["HORIZON.1.2"]["projects"] == 476
    assert table["HORIZON.1.2"]["programme_part"] == "MSCA"
    assert table["HORIZON.2.1"]["participations"] == 103
    assert table["HORIZON.1.1"]["participations"] == 19
    assert sum(row["participations"] for row in table.values()) == 866


def test_fields_count_a_participation_once_per_field_of_its_project(bundled: Warehouse) -> None:
    fields = he_fields()
    mine = rows_of("US")
    expected: Counter[str] = Counter()
    expected_sub: Counter[tuple[str, str]] = Counter()
    for r in mine:
        found = fields.get(r["projectID"])
        if not found:
            expected["not classified"] += 1
            expected_sub["not classified", "not classified"] += 1
            continue
        for level1 in {level1 for level1, _ in found}:
            expected[level1] += 1
        for level1, level2 in found:
            expected_sub[level1, level2 or "not classified"] += 1
    table = indicators.by_field(bundled)
    assert {row["field"]: row["participations"] for row in table.to_pylist()} == dict(expected)
    assert sum(expected.values()) > 866  # projects with several fields count in each
    sub = indicators.by_subfield(bundled)
    assert {
        (row["field"], row["subfield"]): row["participations"] for row in sub.to_pylist()
    } == dict(expected_sub)


def test_states_cover_every_us_participation(bundled: Warehouse) -> None:
    table = by(indicators.by_state(bundled), "state")
    assert sum(row["participations"] for row in table.values()) == 866
    assert table["unknown"]["participations"] == 4  # no address, no other row, no place in the name
    assert table["CA"]["state_name"] == "California"
    # Every US row with a 5-digit ZIP from 900 to 961 is in California (USPS prefixes).
    zips = [r["postCode"].strip()[:3] for r in rows_of("US")]
    assert table["CA"]["participations"] >= sum("900" <= z <= "961" for z in zips if z.isdigit())
    assert "programme_share" not in indicators.by_state(bundled).column_names


def test_year_breakdown_adds_up_to_the_series(bundled: Warehouse) -> None:
    years = {r["year"]: r["participations"] for r in indicators.by_start_year(bundled).to_pylist()}
    series = indicators.series(bundled).to_pylist()
    assert years == {r["year"]: r["participations"] for r in series if r["participations"]}


def test_scheme_breakdowns_say_unknown_where_no_project_table_is_loaded(
    bundled: Warehouse,
) -> None:
    (row,) = indicators.by_scheme_group(bundled).to_pylist()
    assert (row["scheme_group"], row["participations"]) == ("unknown", 866)
