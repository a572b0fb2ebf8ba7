"""Odd input is an error naming the file, a quarantined row or a counted issue, never a
traceback, and never a figure that inflates or falsifies a count."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bilat.errors import InputFileError, UnknownFormatError
from bilat.warehouse.ingest import ingest
from bilat.warehouse.store import Warehouse

from conftest import TESTDATA

QUIRKS = TESTDATA / "organization-quirks.csv"


def load(tmp_path: Path, *paths: Path) -> Warehouse:
    target = tmp_path / "w.duckdb"
    ingest(list(paths), warehouse=target, programme="HE")
    return Warehouse(target)


def accounting(warehouse: Warehouse) -> list[tuple[str, int, int, int]]:
    return [
        (Path(s["path"]).name, s["rows_read"], s["rows_loaded"], s["rows_quarantined"])
        for s in warehouse.sources()
    ]


def assert_one_line_error(tmp_path: Path, path: Path, error: type[Exception], says: str) -> None:
    """Loading `path` raises `error` saying `says` after the path, and `bilat ingest` prints
    that one line and exits with 1, with no traceback."""
    with pytest.raises(error, match=rf"^{path}: {says}"):
        load(tmp_path, path)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from bilat.cli import main; main()",
            "ingest",
            str(path),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert re.fullmatch(rf"Error: {path}: {says}.*", result.stderr.strip())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_loads_like_its_utf8_original(tmp_path: Path, encoding: str) -> None:
    """Excel's "Unicode text" and some exports write UTF-16, with or without a byte order mark;
    it used to be misread as Windows-1252 and stop the ingest of a whole folder."""
    folder = tmp_path / "dump"
    folder.mkdir()
    text = QUIRKS.read_text("utf-8")
    (folder / "organization.csv").write_bytes(text.encode(encoding))
    (folder / "topics.csv").write_text("projectID;topic;title\n101135392;T-1;A topic\n", "utf-8")
    warehouse = load(tmp_path, folder)
    assert accounting(warehouse) == [("organization.csv", 6, 5, 1), ("topics.csv", 1, 1, 0)]
    assert warehouse.sources()[0]["encoding"] == "utf-16"
    spanish = warehouse.query("SELECT name FROM participations WHERE pic = 885546175")
    assert spanish == [{"name": "Ingeniería Avanzada de Obras Marítimas, S.L.P."}]


def test_a_10_mb_single_line_is_one_error_naming_the_file(tmp_path: Path) -> None:
    single = tmp_path / "topics.csv"
    single.write_text("x" * 10_000_000, "utf-8")
    says = (
        "line 1 is longer than 65,536 characters; a CORDIS table starts with a header line of "
        "column names"
    )
    assert_one_line_error(tmp_path, single, UnknownFormatError, says)


@pytest.mark.parametrize("content", ["", "\n", "\ufeff\r\n"])
def test_an_empty_file_is_called_empty(tmp_path: Path, content: str) -> None:
    empty = tmp_path / "organization.csv"
    empty.write_text(content, "utf-8")
    says = re.escape("the file is empty (no header line); download it again")
    assert_one_line_error(tmp_path, empty, UnknownFormatError, says)


def test_a_10_mb_row_is_quarantined_and_the_others_load(tmp_path: Path) -> None:
    lines = QUIRKS.read_text("utf-8").split("\n")
    long_row = "y" * 10_000_000
    table = tmp_path / "organization.csv"
    table.write_text("\n".join([*lines[:2], long_row, *lines[2:]]), "utf-8")
    warehouse = load(tmp_path, table)
    assert accounting(warehouse) == [("organization.csv", 7, 5, 2)]
    kept = {row["line"]: row for row in warehouse.quarantine()}
    assert kept[3]["reason"] == "1 fields instead of 25; cannot tell which belong where"
    assert len(kept[3]["raw_text"]) == 10_000_000
    assert kept[6]["reason"] == "no projectID"  # the lines after the long one are still right


def test_a_device_is_refused_by_name_not_read(tmp_path: Path) -> None:
    disguised = tmp_path / "organization.csv"
    disguised.symlink_to("/dev/zero")
    for path in (Path("/dev/zero"), disguised):
        assert_one_line_error(tmp_path, path, InputFileError, "not a regular file")


def test_exact_duplicate_rows_are_quarantined_not_counted_twice(tmp_path: Path) -> None:
    lines = QUIRKS.read_text("utf-8").rstrip("\n").split("\n")
    table = tmp_path / "organization.csv"
    table.write_text("\n".join([*lines, lines[1], lines[1]]) + "\n", "utf-8")
    warehouse = load(tmp_path, table)
    assert accounting(warehouse) == [("organization.csv", 8, 5, 3)]
    kept = [(row["line"], row["reason"]) for row in warehouse.quarantine()]
    assert kept == [
        (5, "no projectID"),
        (9, "an exact duplicate of line 2"),
        (10, "an exact duplicate of line 2"),
    ]
    worm = warehouse.query("SELECT count(*) AS n FROM participations WHERE project_id = 101135392")
    assert worm == [{"n": 1}]


def test_a_negative_eu_contribution_is_a_value_issue_not_a_figure(tmp_path: Path) -> None:
    reader = csv.reader(io.StringIO(QUIRKS.read_text("utf-8"), newline=""), delimiter=";")
    rows = list(reader)
    column = rows[0].index("ecContribution")
    rutgers = next(row for row in rows if row[2] == "999882403")
    rutgers[column] = "-1500.50"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    table = tmp_path / "organization.csv"
    table.write_text(out.getvalue(), "utf-8")
    warehouse = load(tmp_path, table)
    issues = {
        (i["line"], i["field"]): (i["raw_value"], i["reason"]) for i in warehouse.value_issues()
    }
    assert issues[(7, "ecContribution")] == (
        "-1500.50",
        "below zero: CORDIS amounts (contributions, costs) are never negative",
    )
    assert issues[(6, "ecContribution")][1].startswith("not an amount")
    found = warehouse.query("SELECT ec_contribution FROM participations WHERE pic = 999882403")
    assert found == [{"ec_contribution": None}]
