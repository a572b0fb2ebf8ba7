"""`bilat partners` and `bilat evaluate partners` on the bundled data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from bilat.cli import main

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
    assert rows[0]["name"] == "CENTRE NATIONAL DE LA RECHERCHE SCIENTIFIQUE CNRS"
    assert "worked with THE REGENTS OF THE UNIVERSITY OF CALIFORNIA" in rows[0]["reasons"]


def test_partners_printed_with_reasons(bundled_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["partners", "--topic", "HORIZON-CL5", "--limit", "2", "--warehouse", str(bundled_path)],
    )
    assert result.exit_code == 0, result.output
    assert "European coordinators for topic HORIZON-CL5" in result.output
    assert "  1. CENTRE NATIONAL DE LA RECHERCHE SCIENTIFIQUE CNRS (FR, REC, PIC 999997930)" in (
        result.output
    )
    assert "- 47 projects under topics HORIZON-CL5-…" in result.output


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
