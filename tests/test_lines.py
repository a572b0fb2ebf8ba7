"""The line each record of a CSV starts on, as messages and the quarantine give it: checked
against the file's own lines, and against Python's CSV reader (the sure, slow way) on the
bundled real files.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bilat.cordis import lines as lines_module
from bilat.cordis.inputs import InputFile
from bilat.cordis.lines import locate_records
from bilat.cordis.parsing import ParsedFile, parse

from conftest import DATA, TESTDATA

QUIRKS = TESTDATA / "organization-quirks.csv"


def parsed_at_lines(path: Path) -> tuple[ParsedFile, list[str]]:
    """A file parsed, and its lines as the file has them (cut at "\\n", as lines are counted)."""
    text = path.read_bytes().decode("utf-8")
    return parse(InputFile(path)), [line.removesuffix("\r") for line in text.split("\n")]


def assert_at_their_lines(parsed: ParsedFile, lines: list[str]) -> None:
    """Every record loaded starts on its line with its first field; every row kept aside has
    its text's first line there."""
    first = parsed.table.column_names[0]
    for value, line in zip(
        parsed.table[first].to_pylist(), parsed.table["_line"].to_pylist(), strict=True
    ):
        assert lines[line - 1].startswith(f"{value};"), (line, value)
    for row in parsed.rejected:
        assert row.line is not None
        assert lines[row.line - 1] == row.text.split("\n")[0].removesuffix("\r"), row


def test_lines_after_a_row_arrow_skips_and_a_field_on_two_lines_are_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real quirks extract, whose Chicago record has its street on two lines, with a
    field too many given to the record before it and to the one after it: Arrow skips both,
    and they are found where they are; the records after each are on their own lines, the
    line break inside the street counted once. Told from Arrow's reading alone, without
    reading the file again with Python's reader."""

    def reader_not_needed(text: str, delimiter: str, columns: int) -> tuple[list[int], list[int]]:
        raise AssertionError("the lines were not told from Arrow's reading")

    monkeypatch.setattr(lines_module, "locate_records", reader_not_needed)
    lines = QUIRKS.read_text("utf-8").split("\n")
    assert lines[2].startswith("101109916;") and lines[3].startswith("ROOM 503")
    lines[1] += ";surplus"
    lines[4] += ";surplus"
    path = tmp_path / "organization.csv"
    path.write_text("\n".join(lines), "utf-8")
    parsed, found = parsed_at_lines(path)
    assert parsed.table["_line"].to_pylist() == [3, 6, 7, 8]
    assert sorted((row.line, row.reason) for row in parsed.rejected) == [
        (2, "26 fields instead of 25; cannot tell which belong where"),
        (5, "26 fields instead of 25; cannot tell which belong where"),
    ]
    assert_at_their_lines(parsed, found)


def test_an_empty_line_moves_the_records_after_it_down_a_line(tmp_path: Path) -> None:
    """Arrow skips an empty line without a word; the records after it, the keyless one kept
    aside among them, are on the lines after it (they were given a line too early)."""
    lines = QUIRKS.read_text("utf-8").split("\n")
    lines.insert(4, "")  # after the Chicago record, which ends on line 4
    path = tmp_path / "organization.csv"
    path.write_text("\n".join(lines), "utf-8")
    parsed, found = parsed_at_lines(path)
    assert parsed.table["_line"].to_pylist() == [2, 3, 7, 8, 9]
    assert [(row.line, row.reason) for row in parsed.rejected] == [(6, "no projectID")]
    assert_at_their_lines(parsed, found)


@pytest.mark.parametrize("carriage_returns", [False, True])
def test_rows_skipped_across_a_large_file_are_quarantined_at_their_own_lines(
    tmp_path: Path, carriage_returns: bool
) -> None:
    """The bundled organization.csv (29 MB: two of Arrow's blocks, which its threads read side
    by side, reporting the rows they skipped in the order they met them) with a field too
    many on every 500th record, and an empty line: each row kept aside is quarantined with
    its own text at its own line (they were paired with each other's lines)."""
    raw = gzip.decompress((DATA / "horizon-europe" / "organization.csv.gz").read_bytes())
    lines = raw.decode("utf-8").split("\n")
    ending = "\r" if carriage_returns else ""
    lines = [line.removesuffix("\r") + ending for line in lines]
    for index in range(1, len(lines) - 1, 500):
        lines[index] = lines[index].removesuffix("\r") + ";surplus" + ending
    lines.insert(30_001, ending)
    path = tmp_path / "organization.csv"
    path.write_text("\n".join(lines), "utf-8")
    parsed, found = parsed_at_lines(path)
    assert len(parsed.rejected) == 161
    assert parsed.rows_read == 80_276
    assert_at_their_lines(parsed, found)


@pytest.mark.parametrize(
    "path",
    [
        *sorted((DATA / "horizon-europe").glob("*.csv.gz")),
        DATA / "h2020" / "topics.csv.gz",
        *sorted(TESTDATA.glob("cordis-*.csv")),
        TESTDATA / "dashboard-export-2021-extract.csv",
        TESTDATA / "he-project-invalid-fields.csv",
        QUIRKS,
    ],
    ids=lambda path: path.name,
)
def test_lines_are_those_pythons_reader_finds_in_the_real_files(path: Path) -> None:
    """Every record's line, loaded or kept aside, as Python's CSV reader locates it in the
    bundled real files (rows with quotes left unescaped, a street on two lines, Windows line
    ends, a keyless row, older layouts)."""
    parsed = parse(InputFile(path))
    text = parsed.source.data().removeprefix(b"\xef\xbb\xbf").decode(parsed.encoding)
    header = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=header.count)
    good, bad = locate_records(text, delimiter, len(parsed.table.column_names) - 2)
    quarantined = [row.line for row in parsed.rejected if not row.recovered]
    assert sorted([*parsed.table["_line"].to_pylist(), *quarantined]) == sorted([*good, *bad])
    assert len(good) + len(bad) > 0
