"""`bilat partners` and `bilat evaluate partners` on the bundled data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from bilat.bridges import search
from bilat.cli import main
from bilat.warehouse.store import Warehouse

UC = "999467340"


def test_partners_of_a_us_university_as_csv(bundled_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "partners",
            "--organisation",
            UC,
            "--limit",
            "5",
            "--format",
            "csv",
            "--warehouse",
            str(bundled_path),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["rank"] for row in rows] == ["1", "2", "3", "4", "5"]
    expected = search.for_organisation(Warehouse(bundled_path), int(UC), limit=5).rows
    assert [int(row["pic"]) for row in rows] == [row["pic"] for row in expected]
    assert "worked with THE REGENTS OF THE UNIVERSITY OF CALIFORNIA" in rows[0]["reasons"]


def test_partners_printed_with_reasons(bundled_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["partners", "--topic", "HORIZON-CL5", "--limit", "2", "--warehouse", str(bundled_path)],
    )
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())  # the terminal wraps long lines
    assert flat.startswith("European coordinators for topic HORIZON-CL5 (topic HORIZON-CL5")
    for row in search.for_theme(Warehouse(bundled_path), topic="HORIZON-CL5", limit=2).rows:
        assert (
            f"{row['rank']}. {row['name']} ({row['country']}, {row['activity_type']}, "
            f"PIC {row['pic']}), score {row['score']}"
        ) in flat
        for reason in row["reasons"]:  # type: ignore[attr-defined]
            assert f"- {' '.join(reason.split())}" in flat
    assert "under topics HORIZON-CL5-…" in flat


def test_a_question_without_a_subject_is_refused(bundled_path: Path) -> None:
    result = CliRunner().invoke(main, ["partners", "--warehouse", str(bundled_path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: topic: ask about a topic code or prefix")


def test_evaluate_partners_prints_rows_as_json(bundled_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["evaluate", "partners", "--format", "json", "--warehouse", str(bundled_path)]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["baseline"] for row in rows] == [False, False, True, True, True, True]
    for row in rows:
        assert {
            "method",
            "baseline",
            "coordinator_recall_at_20",
            "participant_recall_at_20",
            "mrr",
        } <= set(row)
        assert row["cases"] == 173
