"""The partner-search evaluation on the bundled Horizon Europe data: split, baselines, leaks."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from bilat.bridges import evaluation
from bilat.bridges import evidence as records
from bilat.bridges.weights import SHIPPED
from bilat.warehouse.partner_index import RECORD_PARTS
from bilat.warehouse.store import Warehouse

# What the issue reports for the bundled data: 173 projects of call year 2023 or later with a
# US participant (one of them has no European coordinator).
QUESTIONS = 173


@pytest.fixture(scope="module")
def run(bundled: Warehouse) -> evaluation.Evaluation:
    """One evaluation of the bundled warehouse, shared by the tests below."""
    return evaluation.evaluate(bundled)


def test_questions_are_the_later_projects_with_a_us_participant(bundled: Warehouse) -> None:
    questions = evaluation.cases(bundled, since=2023)
    assert {case.project[0] for case in questions} == {"HE"}
    assert len(questions) == QUESTIONS
    assert sum(1 for case in questions if case.coordinators) == QUESTIONS - 1
    plain = bundled.query(
        """SELECT count(DISTINCT project_id) AS n FROM participation_facts f
           JOIN projects p USING (programme, project_id)
           WHERE p.call_year >= 2023 AND f.country = 'US'"""
    )
    assert plain[0]["n"] == QUESTIONS


def test_the_coordinator_baseline_matches_a_plain_count(
    bundled: Warehouse, run: evaluation.Evaluation
) -> None:
    """The first baseline recomputed in SQL alone: the 20 European organisations that
    coordinated most projects of the part up to 2022 (ties by projects, then PIC), the
    Horizon 2020 record's projects counted under the Horizon Europe part that continues
    theirs."""
    parts = ", ".join(f"('{label}', '{key}')" for label, key in RECORD_PARTS.items())
    hits = bundled.query(
        f"""
        WITH eu AS (SELECT DISTINCT cordis_code FROM country_status
                    WHERE status IN ('member_state', 'associated')
                      AND cordis_code NOT IN ('CA', 'KR', 'NZ', 'JP')),
        record AS (SELECT f.pic, f.role, f.country, f.programme, f.project_id,
                          p.programme_part_code AS part
                   FROM participation_facts f JOIN projects p USING (programme, project_id)
                   WHERE COALESCE(p.call_year, p.year) <= 2022
                   UNION ALL
                   SELECT r.pic, r.role, r.country, r.programme, r.project_rcn, m.key
                   FROM record_participations r
                   LEFT JOIN record_project_parts k USING (programme, project_rcn)
                   LEFT JOIN (VALUES {parts}) m(label, key) ON m.label = k.part),
        org_country AS (SELECT pic, arg_max(country, (programme, project_id)) AS country
                        FROM record GROUP BY pic),
        counts AS (SELECT r.pic, r.part, count(DISTINCT (r.programme, r.project_id))
                              FILTER (WHERE r.role = 'coordinator') AS led
                   FROM record r JOIN org_country o USING (pic)
                   WHERE o.country IN (SELECT * FROM eu) AND r.part IS NOT NULL
                   GROUP BY ALL),
        totals AS (SELECT pic, count(DISTINCT (programme, project_id)) AS projects
                   FROM record GROUP BY pic),
        ranked AS (SELECT c.*, row_number() OVER (PARTITION BY part
                          ORDER BY led DESC, projects DESC, pic) AS position
                   FROM counts c JOIN totals USING (pic)),
        questions AS (SELECT DISTINCT p.project_id, p.programme_part_code AS part
                      FROM projects p JOIN participation_facts f USING (programme, project_id)
                      WHERE p.call_year >= 2023 AND f.country = 'US'),
        leads AS (SELECT q.project_id, q.part, f.pic FROM questions q
                  JOIN participation_facts f USING (project_id)
                  WHERE f.role = 'coordinator' AND f.country IN (SELECT * FROM eu))
        SELECT count(*) FILTER (WHERE r.position <= 20) AS hits, count(*) AS questions
        FROM leads l LEFT JOIN ranked r ON r.pic = l.pic AND r.part = l.part
        """
    )[0]
    row = next(r for r in run.rows if r.method == "coordinators in the programme part")
    assert row.baseline
    assert row.coordinator_recall_at_20 == pytest.approx(hits["hits"] / hits["questions"])


def test_rows_have_one_method_and_baselines_with_intervals(run: evaluation.Evaluation) -> None:
    rows = [row.as_json() for row in run.rows]
    assert [row["baseline"] for row in rows] == [False, False, True, True, True, True]
    for row in run.rows:
        assert row.cases == QUESTIONS
        for metric in ("coordinator_recall_at_20", "participant_recall_at_20", "mrr"):
            low, high = row.intervals[metric]
            assert low <= getattr(row, metric) <= high
            assert 0 <= low < high <= 1
    assert {row.part for row in run.parts} >= {"HORIZON.1.2"}


def test_the_shipped_weights_are_the_ones_the_earlier_split_learns(
    run: evaluation.Evaluation,
) -> None:
    assert run.learning_questions == 264  # call year 2022 with a US participant
    assert run.weights.coordinator == pytest.approx(SHIPPED.coordinator, abs=1e-3)
    assert run.weights.participant == pytest.approx(SHIPPED.participant, abs=1e-3)


def test_changing_the_scored_period_changes_nothing_in_the_evidence(
    bundled_path: Path, bundled: Warehouse, tmp_path: Path
) -> None:
    """Shuffle who took part in the 2023-2024 projects, rename their topics and drop their
    fields: the record up to 2022 must not move, while the questions do."""
    altered_path = tmp_path / "altered.duckdb"
    shutil.copy(bundled_path, altered_path)
    with duckdb.connect(str(altered_path)) as con:
        later = "SELECT project_id FROM projects WHERE call_year >= 2023"
        con.execute(
            f"""UPDATE participation_facts f SET pic = s.pic FROM (
                    SELECT rowid AS r, lead(pic, 7, pic) OVER (ORDER BY hash(rowid)) AS pic
                    FROM participation_facts WHERE project_id IN ({later})) s
                WHERE f.rowid = s.r"""
        )
        con.execute(f"UPDATE projects SET topic_title = 'changed' WHERE project_id IN ({later})")
        con.execute(f"DELETE FROM project_fields WHERE project_id IN ({later})")
    altered = Warehouse(altered_path)
    evidence = records.load(bundled, until=2022)
    assert records.load(altered, until=2022).fingerprint() == evidence.fingerprint()
    # The record holds the earlier Horizon 2020 projects too, every one before the split.
    earlier = ~evidence.project_listed
    assert int(earlier.sum()) > 30_000
    assert int(evidence.project_year[earlier].max()) <= 2022
    before = evaluation.cases(bundled, since=2023)
    after = evaluation.cases(altered, since=2023)
    assert [c.question.fields for c in before] != [c.question.fields for c in after]
    assert [c.members for c in before] != [c.members for c in after]
