"""`-o FILE` on every command that writes one: the format taken from the extension, a file
that cannot be written refused in one line, and `bilat ingest` of folders with nothing to
load. Exact messages and exit codes, since users read them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from bilat.cli import main

from conftest import ROOT


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# The commands that write a table or a report to `-o`, each with the arguments that make it
# compute something on the bundled data (a report is the slowest: refused before building).
COMMANDS = {
    "indicators": ["indicators", "headline", "--country", "US"],
    "compare": ["compare", "US", "CA"],
    "partners": ["partners", "--organisation", "999467340"],
    "report": ["report", "us-participation", "--country", "US"],
}


def _unwritable(tmp_path: Path, suffix: str) -> dict[str, tuple[Path, str]]:
    """Paths ending in `suffix` that cannot be written, each with the reason the line must
    give."""
    a_file = tmp_path / "plain"
    a_file.write_text("x")
    cases = {
        "missing folder": (Path(f"/nonexist/x{suffix}"), "no such folder /nonexist"),
        "directory": (tmp_path / f"folder{suffix}", "it is a directory"),
        "not a folder": (a_file / f"x{suffix}", f"{a_file} is not a folder"),
    }
    (tmp_path / f"folder{suffix}").mkdir()
    if os.geteuid() == 0:  # root writes any folder but not /sys (a read-only kernel view)
        cases["permission"] = (Path(f"/sys/x{suffix}"), "permission denied")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        cases["permission"] = (locked / f"x{suffix}", "permission denied")
    return cases


@pytest.mark.parametrize("command", COMMANDS)
def test_an_output_that_cannot_be_written_is_one_line_and_exit_1(
    command: str, bundled_path: Path, tmp_path: Path
) -> None:
    suffix = ".html" if command == "report" else ".csv"
    for given, reason in _unwritable(tmp_path, suffix).values():
        code, output = run(*COMMANDS[command], "--warehouse", str(bundled_path), "-o", str(given))
        assert code == 1, output
        assert output == f"Error: {given}: cannot write it: {reason}\n"
    # Nothing half-written was left beside the refused files.
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"folder{suffix}", "plain"]


def test_generate_and_backup_refuse_an_unwritable_output(tmp_path: Path) -> None:
    a_file = tmp_path / "plain"
    a_file.write_text("x")
    code, output = run("generate", "--scale", "small", "-o", str(a_file))
    assert (code, output) == (1, f"Error: {a_file}: cannot write into it: not a folder\n")
    code, output = run("backup", "-o", "/nonexist/b.json.gz")
    assert (code, output) == (
        1,
        "Error: /nonexist/b.json.gz: cannot write it: no such folder /nonexist\n",
    )


@pytest.mark.parametrize("command", ["indicators", "compare", "partners"])
def test_the_format_is_taken_from_the_extension(
    command: str, bundled_path: Path, tmp_path: Path
) -> None:
    arguments = [*COMMANDS[command], "--warehouse", str(bundled_path)]
    code, printed = run(*arguments, "--format", "csv")
    assert code == 0, printed
    code, output = run(*arguments, "-o", str(tmp_path / "out.csv"))
    assert code == 0, output
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == printed
    code, printed = run(*arguments, "--format", "json")
    code, output = run(*arguments, "-o", str(tmp_path / "out.JSON"))
    assert code == 0, output
    assert json.loads((tmp_path / "out.JSON").read_text()) == json.loads(printed)
    code, output = run(*arguments, "-o", str(tmp_path / "out.xlsx"))
    assert code == 0, output
    sheets = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).sheet_names
    assert len(sheets) == 2  # the table and its About sheet
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.JSON", "out.csv", "out.xlsx"]


@pytest.mark.parametrize("command", ["indicators", "compare", "partners"])
def test_an_extension_it_cannot_write_or_a_contradicting_format_is_refused(
    command: str, bundled_path: Path, tmp_path: Path
) -> None:
    arguments = [*COMMANDS[command], "--warehouse", str(bundled_path)]
    text = tmp_path / "out.txt"
    assert run(*arguments, "-o", str(text)) == (
        1,
        f"Error: {text}: the extension .txt says no format this command writes; name the "
        "file .csv, .json, .xlsx, .parquet or give --format\n",
    )
    bare = tmp_path / "out"
    assert run(*arguments, "-o", str(bare))[1].startswith(
        f"Error: {bare}: no extension says no format"
    )
    wrong = tmp_path / "out.csv"
    wrong.write_text("kept")
    assert run(*arguments, "--format", "json", "-o", str(wrong)) == (
        1,
        f"Error: {wrong}: --format json contradicts the extension .csv; give one or the other\n",
    )
    assert run(*arguments, "--format", "table", "-o", str(wrong)) == (
        1,
        f"Error: {wrong}: --format table prints to the terminal; a file is written as .csv, "
        ".json, .xlsx, .parquet\n",
    )
    assert wrong.read_text() == "kept"
    # An extension no format claims is the user's choice when --format says the format.
    code, output = run(*arguments, "--format", "csv", "-o", str(text))
    assert code == 0, output
    assert text.read_text(encoding="utf-8").splitlines()[0].count(",") >= 1


def test_a_report_takes_its_format_from_the_extension(bundled_path: Path, tmp_path: Path) -> None:
    arguments = [*COMMANDS["report"], "--warehouse", str(bundled_path)]
    page = tmp_path / "y.html"
    code, output = run(*arguments, "-o", str(page))
    assert code == 0, output
    assert page.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    code, output = run(*arguments, "-o", str(tmp_path / "y.csv"))
    assert (code, output) == (
        1,
        f"Error: {tmp_path / 'y.csv'}: the extension .csv says no format this command "
        "writes; name the file .pdf, .html, .xlsx or give --format\n",
    )
    code, output = run(*arguments, "--format", "pdf", "-o", str(page))
    assert code == 1 and "contradicts the extension .html" in output


@pytest.mark.parametrize(
    "command",
    [["awareness"], ["event-outcome", "--event", "ai-health-workshop-example"], ["series-outcome"]],
)
def test_the_coordination_reports_check_their_output_first(
    command: list[str], tmp_path: Path
) -> None:
    """Refused before the coordination database is touched (none is configured here)."""
    code, output = run("report", *command, "-o", str(tmp_path / "r.xlsx"))
    assert (code, output) == (
        1,
        f"Error: {tmp_path / 'r.xlsx'}: the extension .xlsx says no format this command "
        "writes; name the file .pdf, .html or give --format\n",
    )
    code, output = run("report", *command, "--format", "html", "-o", str(tmp_path / "r.pdf"))
    assert code == 1 and "--format html contradicts the extension .pdf" in output
    code, output = run("report", *command, "-o", "/nonexist/r.html")
    assert (code, output) == (
        1,
        "Error: /nonexist/r.html: cannot write it: no such folder /nonexist\n",
    )
    assert not list(tmp_path.iterdir())


def test_the_listing_refuses_an_output_file(tmp_path: Path) -> None:
    code, output = run("indicators", "-o", str(tmp_path / "x.csv"))
    assert code == 1 and output.startswith("Error: the list of indicators prints on the terminal")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("content", [None, "README.md"])
def test_ingest_of_a_folder_without_cordis_files_fails(content: str | None, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    if content:
        (folder / content).write_text("# notes\n")
    warehouse = tmp_path / "w.duckdb"
    code, output = run(
        "ingest", str(folder), str(ROOT / "README.md"), "--warehouse", str(warehouse)
    )
    # An explicit file bilat does not read is named as such; a folder alone says it is empty.
    assert code == 1 and "README.md: not a file bilat reads" in output
    code, output = run("ingest", str(folder), "--warehouse", str(warehouse))
    assert (code, output) == (
        1,
        f"Error: no CORDIS file found in {folder}: expected .zip, .csv, .csv.gz or .xlsx "
        "files (folders are searched with their subfolders)\n",
    )
    assert not warehouse.exists()


def test_ingest_where_every_file_is_skipped_fails(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.csv").write_text("a,b\n1,2\n")
    warehouse = tmp_path / "w.duckdb"
    code, output = run("ingest", str(folder), "--warehouse", str(warehouse))
    assert code == 1
    assert output.splitlines()[-1] == (
        f"Error: no CORDIS table bilat uses found in {folder}; nothing was loaded into {warehouse}"
    )
    assert "skipped:" in output and "Nothing changed" not in output
    assert not warehouse.exists()
