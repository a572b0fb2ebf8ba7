"""Partner search on the bundled data: suggestions across the Atlantic, with their reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.bridges import search
from bilat.errors import ParameterError
from bilat.formatting import euros as euros_text
from bilat.warehouse.store import Warehouse

UC = 999467340  # The Regents of the University of California


def test_a_us_university_gets_european_partners_with_reasons(bundled: Warehouse) -> None:
    found = search.for_organisation(bundled, UC, limit=10)
    assert len(found.rows) == 10
    european = {
        row["cordis_code"]
        for row in bundled.query(
            "SELECT DISTINCT cordis_code FROM country_status WHERE status IN "
            "('member_state', 'associated') AND cordis_code NOT IN ('CA', 'KR', 'NZ', 'JP')"
        )
    }
    assert all(row["country"] in european for row in found.rows)
    assert [row["rank"] for row in found.rows] == list(range(1, 11))
    scores = [row["score"] for row in found.rows]
    assert scores == sorted(scores, reverse=True)
    for row in found.rows:
        assert any(
            reason.startswith(("worked with", "fields of science in common"))
            for reason in row["reasons"]
        )
        assert row["reasons"][-1].startswith(f"{row['projects']} project")
        assert row["name"]  # organisations known only from the unnamed H2020 record are not
    # The busiest European partners of a US university took part in Horizon 2020 too.
    assert any("of them in the Horizon 2020 record" in row["reasons"][-1] for row in found.rows)


def test_the_contribution_reason_leaves_out_the_records_unknown_amounts(
    bundled: Warehouse,
) -> None:
    """The Horizon 2020 record leaves the contribution out of most rows: a reason sums the
    other projects' and says so, never "EU contribution €0" for amounts not given."""
    found = search.for_theme(bundled, topic="HORIZON-CL5", side="US", limit=50)
    reasons = [row["reasons"][-1] for row in found.rows]
    with_record = [r for r in reasons if "of them in the Horizon 2020 record" in r]
    assert with_record
    assert all(" in the other " in r or "EU contribution not known" in r for r in with_record)
    # The amounts summed are those of the listed projects: for a university, its Horizon
    # Europe participations' contributions in the facts.
    row = next(r for r in found.rows if " in the other " in r["reasons"][-1])
    listed = bundled.query(
        "SELECT sum(ec_contribution) AS ec FROM participation_facts WHERE pic = $pic",
        {"pic": row["pic"]},
    )[0]["ec"]
    assert euros_text(listed) in row["reasons"][-1]


def test_organisations_known_only_from_the_earlier_record_are_never_suggested(
    bundled: Warehouse,
) -> None:
    evidence = search.current(bundled)[0]
    unnamed = {int(pic) for pic in evidence.pics[evidence.european & ~evidence.named]}
    assert len(unnamed) > 1000
    found = search.for_organisation(bundled, UC, limit=search.MAXIMUM)
    assert len(found.rows) == search.MAXIMUM
    assert not unnamed & {row["pic"] for row in found.rows}


def test_a_european_organisation_gets_us_partners(bundled: Warehouse) -> None:
    cnrs = 999997930
    found = search.for_organisation(bundled, cnrs, limit=5)
    assert {row["country"] for row in found.rows} == {"US"}
    assert UC in {row["pic"] for row in found.rows}


def test_similar_organisations_stay_on_the_same_side(bundled: Warehouse) -> None:
    found = search.similar(bundled, UC, limit=5)
    assert {row["country"] for row in found.rows} == {"US"}
    assert UC not in {row["pic"] for row in found.rows}


def test_a_topic_prefix_finds_coordinators_under_it(bundled: Warehouse) -> None:
    found = search.for_theme(bundled, topic="HORIZON-CL5", limit=10)
    led = {
        row["pic"]
        for row in bundled.query(
            """SELECT DISTINCT f.pic FROM participation_facts f JOIN projects p
           USING (programme, project_id)
           WHERE f.role = 'coordinator' AND p.topic LIKE 'HORIZON-CL5-%'"""
        )
    }
    assert all(row["pic"] in led for row in found.rows)
    assert all(any("HORIZON-CL5-" in reason for reason in row["reasons"]) for row in found.rows)
    for row in found.rows:
        coordinated = bundled.query(
            f"""SELECT count(DISTINCT project_id) AS n FROM participation_facts f
                JOIN projects p USING (programme, project_id)
                WHERE f.pic = {int(row["pic"])} AND f.role = 'coordinator'
                  AND p.topic LIKE 'HORIZON-CL5-%'"""
        )[0]["n"]
        said = next(reason for reason in row["reasons"] if "under topics" in reason)
        assert said.endswith(f"({coordinated} coordinated)")
    table = found.table()
    assert table.num_rows == 10
    assert table.schema.metadata[b"filters"] == b"topic HORIZON-CL5, side EU"


def test_open_coordinators_list_their_projects_with_us_participants(bundled: Warehouse) -> None:
    found = search.open_coordinators(bundled, part="Health", limit=5)
    assert found
    for row in found:
        assert row["projects_with_us"] == len(row["projects"])
        for project in row["projects"]:
            us = bundled.query(
                """SELECT count(*) AS n FROM participation_facts WHERE project_id = $id
                   AND country = 'US'""",
                {"id": project["project_id"]},
            )
            assert us[0]["n"] > 0
            assert project["part"] == "HORIZON.2.1"


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda w: search.for_theme(w, field="no such field of science"), "field"),
        (lambda w: search.for_theme(w), "topic"),
        # A topic or words no project matches would be answered by popularity alone.
        (lambda w: search.for_theme(w, topic="ZZZZ-NOPE"), "topic"),
        (lambda w: search.for_theme(w, topic="H2020-LC-SC3-2018"), "topic"),
        (lambda w: search.for_theme(w, text="xqzzyv blorft"), "text"),
        (lambda w: search.for_organisation(w, 1), "organisation"),
    ],
)
def test_questions_that_cannot_be_answered_say_why(
    bundled: Warehouse, call: object, parameter: str
) -> None:
    with pytest.raises(ParameterError) as error:
        call(bundled)  # type: ignore[operator]
    assert error.value.parameter == parameter


def test_side_and_limit_are_checked() -> None:
    assert search.parse_side("us") == "US"
    with pytest.raises(ParameterError):
        search.parse_side("CA")
    with pytest.raises(ParameterError):
        search.parse_limit("0")


def test_a_server_reads_the_index_before_it_forks_and_starts_without_a_warehouse(
    bundled: Warehouse, tmp_path: Path
) -> None:
    assert search.preload(bundled)
    assert search.current(bundled)[0].organisations > 0
    assert not search.preload(Warehouse(tmp_path / "none.duckdb"))
