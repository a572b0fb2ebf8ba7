"""The bundled Horizon Europe data loads completely and every figure matches the raw rows.

Expected values are computed here with Python's csv module over the raw files (not through
bilat), and the headline ones are also the figures stated for this snapshot in issue #2.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from bilat.warehouse.store import Warehouse

from rawdata import he_organisations, he_unique_parts, money


def one(warehouse: Warehouse, sql: str) -> dict:
    rows = warehouse.query(sql)
    assert len(rows) == 1
    return rows[0]


def test_every_participation_project_and_organisation_is_loaded(bundled: Warehouse) -> None:
    raw = he_organisations()
    found = one(
        bundled,
        """SELECT count(*) AS n, count(DISTINCT project_id) AS projects,
                                   count(DISTINCT pic) AS pics
                            FROM participations WHERE programme = 'HE'""",
    )
    assert found == {
        "n": len(raw),
        "projects": len({row["projectID"] for row in raw}),
        "pics": len({row["organisationID"] for row in raw}),
    }
    assert found == {"n": 80_276, "projects": 12_900, "pics": 23_270}


def test_us_participations_funding_and_roles_match_the_raw_rows(bundled: Warehouse) -> None:
    us = [row for row in he_organisations() if row["country"] == "US"]
    found = one(
        bundled,
        """SELECT count(*) AS n, count(DISTINCT project_id) AS projects,
                                   count(DISTINCT pic) AS pics, sum(ec_contribution) AS ec,
                                   sum(net_ec_contribution) AS net
                            FROM participations WHERE country = 'US'""",
    )
    assert found["n"] == len(us) == 866
    assert found["projects"] == len({row["projectID"] for row in us}) == 659
    assert found["pics"] == len({row["organisationID"] for row in us}) == 375
    assert found["ec"] == sum(money(row["ecContribution"]) for row in us)
    assert found["ec"] == Decimal("52761214.82")
    assert found["net"] == Decimal("53408499.32")
    roles = {
        r["role"]: r["n"]
        for r in bundled.query(
            "SELECT role, count(*) AS n FROM participations WHERE country = 'US' GROUP BY role"
        )
    }
    assert roles == dict(Counter(row["role"] for row in us))
    assert roles == {"associatedPartner": 745, "participant": 104, "thirdParty": 17}


def test_us_activity_types_keep_blank_as_missing(bundled: Warehouse) -> None:
    found = {
        r["activity_type"]: r["n"]
        for r in bundled.query(
            "SELECT activity_type, count(*) AS n FROM participations "
            "WHERE country = 'US' GROUP BY 1"
        )
    }
    assert found == {"HES": 555, "PRC": 107, "OTH": 85, "REC": 70, "PUB": 47, None: 2}


def test_us_participations_by_unique_programme_part(bundled: Warehouse) -> None:
    parts = he_unique_parts()
    us = [row for row in he_organisations() if row["country"] == "US"]
    by_code = Counter(parts[row["projectID"]] for row in us)
    projects_by_code = Counter(parts[pid] for pid in {row["projectID"] for row in us})
    found = {
        r["part"]: (r["n"], r["projects"])
        for r in bundled.query(
            """SELECT programme_part AS part, count(*) AS n, count(DISTINCT project_id) AS projects
           FROM participations JOIN projects USING (programme, project_id)
           WHERE country = 'US' GROUP BY 1"""
        )
    }
    expected_names = {
        "HORIZON.1.2": "MSCA",
        "HORIZON.2.1": "Health",
        "HORIZON.2.5": "Climate, Energy and Mobility",
        "HORIZON.2.6": "Food and Bioeconomy",
        "HORIZON.1.1": "ERC",
        "HORIZON.1.3": "Research Infrastructures",
    }
    for code, name in expected_names.items():
        assert found[name] == (by_code[code], projects_by_code[code])
    assert found["MSCA"] == (607, 476)
    assert found["Health"] == (103, 67)
    assert found["Climate, Energy and Mobility"] == (33, 27)
    assert found["Food and Bioeconomy"] == (33, 25)
    assert found["ERC"] == (19, 14)
    assert found["Research Infrastructures"] == (22, 13)
    assert sum(n for n, _ in found.values()) == 866


def test_us_state_is_known_for_at_least_97_percent_and_right(bundled: Warehouse) -> None:
    share = one(
        bundled,
        """SELECT count(us_state) / count(*) AS share FROM participations
                            WHERE country = 'US'""",
    )["share"]
    assert share >= 0.97
    rows = bundled.query(
        """SELECT DISTINCT name, post_code, city, us_state, us_state_basis FROM participations
           WHERE country = 'US' AND (post_code = '94607' OR name = 'WILLIAM MARSH RICE UNIVERSITY'
                 OR name = 'Harvard Medical School')"""
    )
    states = {(row["name"], row["post_code"]): row["us_state"] for row in rows}
    assert states[("THE REGENTS OF THE UNIVERSITY OF CALIFORNIA", "94607")] == "CA"
    assert states[("Harvard Medical School", None)] == "MA"
    assert {state for (name, _), state in states.items() if "RICE" in name} == {"TX"}


def test_centre_of_the_us_is_a_placeholder_not_a_place(bundled: Warehouse) -> None:
    rows = bundled.query(
        """SELECT geolocation_placeholder AS flagged, count(*) AS n FROM participations
           WHERE latitude = 39.7837304 AND longitude = -100.4458825 GROUP BY 1"""
    )
    assert rows == [{"flagged": True, "n": 5}]
    located = one(
        bundled,
        """SELECT count(*) AS n FROM organisations
                              WHERE latitude = 39.7837304 AND longitude = -100.4458825""",
    )
    assert located["n"] == 0


def test_he_has_no_project_table_so_call_year_comes_from_the_topic(bundled: Warehouse) -> None:
    tables = {(r["programme"], r["kind"]) for r in bundled.programme_tables()}
    assert ("HE", "organization") in tables and ("HE", "project") not in tables
    row = one(
        bundled,
        """SELECT topic, call_year, start_year, has_project_record
                          FROM projects WHERE topic = 'HORIZON-CL5-2021-D3-01-01' LIMIT 1""",
    )
    assert row == {
        "topic": "HORIZON-CL5-2021-D3-01-01",
        "call_year": 2021,
        "start_year": None,
        "has_project_record": False,
    }


def test_one_row_per_organisation_with_its_latest_identity(bundled: Warehouse) -> None:
    latest: dict[str, tuple[str, str]] = {}
    for row in he_organisations():
        stamp = row["contentUpdateDate"]
        if row["organisationID"] not in latest or stamp > latest[row["organisationID"]][0]:
            latest[row["organisationID"]] = (stamp, row["name"])
    count = one(bundled, "SELECT count(*) AS n FROM organisations")["n"]
    assert count == len(latest)
    chicago = one(bundled, "SELECT name FROM organisations WHERE pic = 993760054")
    assert chicago["name"] == latest["993760054"][1]


def test_countries_carry_iso_codes_and_programme_status(bundled: Warehouse) -> None:
    rows = bundled.query(
        """SELECT programme, cordis_code, iso_code, status FROM country_status
           WHERE cordis_code IN ('UK', 'EL', 'XK', 'US', 'NO') ORDER BY ALL"""
    )
    status = {(r["programme"], r["cordis_code"]): (r["iso_code"], r["status"]) for r in rows}
    assert status[("H2020", "UK")] == ("GB", "member_state")
    assert status[("HE", "UK")] == ("GB", "associated")
    assert status[("HE", "EL")] == ("GR", "member_state")
    assert status[("HE", "XK")] == ("XK", "associated")
    assert status[("FP7", "US")] == ("US", "third_country")
    assert status[("HE", "NO")] == ("NO", "associated")


def test_every_source_accounts_for_every_row(bundled: Warehouse) -> None:
    for source in bundled.sources():
        assert source["rows_read"] == source["rows_loaded"] + source["rows_quarantined"]
        assert len(source["sha256"]) == 64
    snapshot = {s["kind"]: s["snapshot_date"] for s in bundled.sources() if s["programme"] == "HE"}
    assert (
        str(snapshot["organization"])
        == max(row["contentUpdateDate"] for row in he_organisations())[:10]
    )


def test_mixed_decimal_marks_in_one_row_all_parse(bundled: Warehouse) -> None:
    raw = he_organisations()
    comma_costs = [row for row in raw if "," in row["totalCost"]]
    assert comma_costs  # the real table writes totalCost with a decimal comma
    found = one(
        bundled,
        "SELECT sum(total_cost) AS cost, sum(ec_contribution) AS ec "
        "FROM participations WHERE programme = 'HE'",
    )
    assert found["cost"] == sum(money(row["totalCost"]) for row in raw)
    assert found["ec"] == sum(money(row["ecContribution"]) for row in raw)
    assert bundled.value_issues() == []
