"""The `bilat` command: exact messages and exit codes for users, good and bad input."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilat.cli import main
from bilat.warehouse.store import Warehouse

from conftest import TESTDATA


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_ingest_then_sources_then_quarantine(tmp_path: Path) -> None:
    warehouse = str(tmp_path / "w.duckdb")
    code, output = run(
        "ingest", str(TESTDATA / "he-project-invalid-fields.csv"), "--warehouse", warehouse
    )
    assert code == 0, output
    code, output = run("sources", "--warehouse", warehouse)
    assert code == 0
    assert "cordis-project" in output and "2024-11-01" in output
    code, output = run("quarantine", "--warehouse", warehouse)
    assert code == 0
    assert (
        f"{TESTDATA / 'he-project-invalid-fields.csv'}:2: recovered: 22 fields instead of 20"
        in output
    )
    code, output = run(
        "ingest", str(TESTDATA / "he-project-invalid-fields.csv"), "--warehouse", warehouse
    )
    assert code == 0
    assert "Nothing changed" in output


def test_values_that_did_not_parse_are_listed_with_line_and_field(tmp_path: Path) -> None:
    warehouse = str(tmp_path / "w.duckdb")
    run(
        "ingest",
        str(TESTDATA / "organization-quirks.csv"),
        "--programme",
        "HE",
        "--warehouse",
        warehouse,
    )
    code, output = run("quarantine", "--values", "--warehouse", warehouse)
    assert code == 0
    assert (
        f"{TESTDATA / 'organization-quirks.csv'}:6: ecContribution = '12O00': "
        "not an amount (digits with '.' or ',' decimals)"
    ) in output


def test_wrong_input_gives_a_clear_message_and_exit_code(tmp_path: Path) -> None:
    warehouse = str(tmp_path / "w.duckdb")
    code, output = run("ingest", str(tmp_path / "nope.zip"), "--warehouse", warehouse)
    assert code == 1
    assert output.strip() == f"Error: {tmp_path / 'nope.zip'}: no such file or folder"
    notes = tmp_path / "notes.txt"
    notes.write_text("hello;world\n1;2\n")
    code, output = run("ingest", str(notes), "--warehouse", warehouse)
    assert code == 1
    assert output.strip() == (
        f"Error: {notes}: header matches no CORDIS table; expected a CORDIS table (project, "
        "organization, euroSciVoc, legalBasis, topics), a cordisref-* reference list or a "
        "Horizon Dashboard export"
    )
    code, output = run("sources", "--warehouse", warehouse)
    assert code == 1
    assert "no warehouse at" in output and "bilat ingest" in output
    code, output = run("ingest", str(notes), "--programme", "FP8")
    assert code == 2 and "'FP8' is not one of 'FP7', 'H2020', 'HE'" in output


def test_settings_are_listed_with_their_help() -> None:
    code, output = run("settings")
    assert code == 0
    for name in ("BILAT_WAREHOUSE", "DATABASE_URL", "BILAT_SECRET_KEY"):
        assert f"{name}=" in output


MONITORING = {"--warehouse", "--country", "--programme", "--format", "--output", "--date"}
REPORT_OPTIONS = {
    "us-participation": MONITORING,
    "cooperation-monitoring": MONITORING,
    "awareness": {"--from", "--to", "--format", "--output"},
    "event-outcome": {"--event", "--format", "--output"},
}


def test_each_report_lists_only_its_own_options_and_refuses_the_others() -> None:
    code, output = run("report", "--help")
    assert code == 0
    assert set(REPORT_OPTIONS) <= set(output.split())
    every = set().union(*REPORT_OPTIONS.values())
    for name, options in REPORT_OPTIONS.items():
        code, output = run("report", name, "--help")
        assert code == 0, output
        listed = {
            word.rstrip(",")
            for line in output.splitlines()
            for word in line.split()[:2]
            if word.startswith("--")
        }
        assert listed == options | {"--help"}, name
        for option in sorted(every - options):
            code, output = run("report", name, option, "x")
            owners = " and ".join(
                f"'bilat report {other}'"
                for other, theirs in REPORT_OPTIONS.items()
                if option in theirs
            )
            assert code == 2, (name, option)
            assert (
                f"Error: No such option '{option}' for this report: it is an option of {owners}."
                in output
            ), output
    code, output = run("report", "awareness", "--years", "2020")
    assert code == 2 and "Error: No such option '--years'." in output


def test_ingest_and_sources_end_with_the_totals(tmp_path: Path) -> None:
    warehouse = str(tmp_path / "w.duckdb")
    paths = [
        TESTDATA / "he-organization-xlsx",  # one table split into two xlsx files
        TESTDATA / "he-project-invalid-fields.csv",  # rows recovered
    ]  # (organization-quirks.csv repeats 4 rows of the xlsx files: together, they are refused)
    code, output = run("ingest", *map(str, paths), "--programme", "HE", "--warehouse", warehouse)
    assert code == 0, output
    # The sums of what the warehouse records for each file, read back independently.
    found = Warehouse(Path(warehouse)).sources()
    assert len(found) == 3

    def total(column: str) -> int:
        return sum(row[column] for row in found)

    read, loaded, quarantined = total("rows_read"), total("rows_loaded"), total("rows_quarantined")
    recovered, issues = total("rows_recovered"), total("value_issues")
    assert read == loaded + quarantined
    counts = f"read {read:,} = loaded {loaded:,} + quarantined {quarantined:,}"
    assert output.splitlines()[-1] == f"Total: 3 files, {counts} (recovered {recovered:,})."
    # 999 + 999 rows of the two xlsx parts, 4 projects (2 recovered from stray quotes).
    assert output.splitlines()[-1] == (
        "Total: 3 files, read 2,002 = loaded 2,002 + quarantined 0 (recovered 2)."
    )
    code, output = run("sources", "--warehouse", warehouse)
    assert code == 0
    assert output.splitlines()[-1] == (
        f"Total: 3 files, {counts} (recovered {recovered:,}, value issues {issues:,})."
    )


def test_ctrl_c_during_an_ingest_says_what_became_of_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C reaches DuckDB mid-query, which turns it into its own error ('Query
    interrupted'): one line and exit code 130, not that error's traceback."""
    from bilat.cli import observatory

    warehouse = tmp_path / "w.duckdb"
    assert run("ingest", str(TESTDATA / "he-project-invalid-fields.csv"), "--warehouse",
               str(warehouse))[0] == 0  # fmt: skip
    before = warehouse.read_bytes()

    def interrupted(*args: object, **kwargs: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler raises KeyboardInterrupt here
        except KeyboardInterrupt:
            raise RuntimeError("Query interrupted") from None

    monkeypatch.setattr(observatory, "ingest", interrupted)
    code, output = run("ingest", str(TESTDATA / "cordis-h2020projects.csv"), "--warehouse",
                       str(warehouse))  # fmt: skip
    assert (code, output.strip()) == (130, f"Interrupted: {warehouse} is as it was.")
    assert warehouse.read_bytes() == before
    code, output = run("ingest", str(TESTDATA / "cordis-h2020projects.csv"), "--warehouse",
                       str(tmp_path / "new.duckdb"))  # fmt: skip
    assert (code, output.strip()) == (
        130,
        f"Interrupted: {tmp_path / 'new.duckdb'} was not created.",
    )
