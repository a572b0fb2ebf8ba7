"""A field that opens a quote and never closes it loses nothing: the records the quote
swallowed load as the separate rows they are, only the broken record is quarantined (file,
line, field and reason), and the rows read add up to the records of the file.

The files are the bundled real Horizon Europe organization.csv with one name edited, as a
reviewer found it: an opening quote left unclosed made one row's name swallow the next 168
records, and the ingest reported nothing.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from bilat.warehouse.ingest import ingest
from bilat.warehouse.store import Warehouse

from conftest import DATA, TESTDATA

ORGANIZATION = DATA / "horizon-europe" / "organization.csv.gz"
COLUMNS = "source_line, project_id, pic, name, city, country, ec_contribution, role"


def with_unclosed_quote(tmp_path: Path, line: int) -> tuple[Path, str]:
    """The bundled organization.csv with the name on `line` replaced by `"ACME Labs`, and
    the text of that line as edited."""
    lines = gzip.decompress(ORGANIZATION.read_bytes()).decode("utf-8").split("\n")
    fields = lines[line - 1].split(";")
    assert fields[4] and '"' not in lines[line - 1]  # a plain name, no quotes on the line
    fields[4] = '"ACME Labs'
    lines[line - 1] = ";".join(fields)
    path = tmp_path / "organization.csv"
    path.write_text("\n".join(lines), "utf-8")
    return path, lines[line - 1]


def records_in(path: Path) -> int:
    """Records of the file: one a line after the header, as no field of the bundled file
    spans lines (Python's csv reader finds 80,276 records in it, every one of 25 fields)."""
    text = path.read_text("utf-8")
    return text.rstrip("\n").count("\n")


def loaded(tmp_path: Path, path: Path) -> Warehouse:
    target = tmp_path / "w.duckdb"
    ingest([path], warehouse=target, programme="HE")
    return Warehouse(target)


def rows_of(warehouse: Warehouse) -> list[tuple[object, ...]]:
    found = warehouse.query(f"SELECT {COLUMNS} FROM participation_rows WHERE programme = 'HE'")
    return sorted(tuple(row.values()) for row in found)


def check(tmp_path: Path, bundled: Warehouse, line: int) -> None:
    path, broken = with_unclosed_quote(tmp_path, line)
    records = records_in(path)
    assert records == 80_276
    warehouse = loaded(tmp_path, path)
    [source] = warehouse.sources()
    assert (source["rows_read"], source["rows_loaded"], source["rows_quarantined"]) == (
        records,
        records - 1,
        1,
    )
    kept = warehouse.quarantine()
    [quarantined] = [row for row in kept if not row["recovered"]]
    assert quarantined["line"] == line
    assert quarantined["raw_text"] == broken.rstrip("\r")  # the file ends its lines with CRLF
    assert "'name'" in quarantined["reason"] and "never closed" in quarantined["reason"]
    swallowed = [row["line"] for row in kept if row["recovered"]]
    assert swallowed and swallowed == list(range(line + 1, line + 1 + len(swallowed)))
    assert source["rows_recovered"] == len(swallowed)
    # every other record is loaded as the bundled warehouse has it, at its own line
    expected = [row for row in rows_of(bundled) if row[0] != line]
    assert rows_of(warehouse) == expected
    assert warehouse.value_issues() == []


def test_an_unclosed_quote_swallows_no_record(tmp_path: Path, bundled: Warehouse) -> None:
    check(tmp_path, bundled, 40_000)


def test_an_unclosed_quote_near_the_end_swallows_no_record(
    tmp_path: Path, bundled: Warehouse
) -> None:
    check(tmp_path, bundled, 80_272)


def test_a_swallowed_record_that_spans_lines_is_read_whole(tmp_path: Path) -> None:
    """The real quirks extract, whose Chicago row has a street on two lines (a legitimate
    quoted line break), with the name of the row before it left unclosed: the quote swallows
    the Chicago record's first line, which is then read whole from there, street and all."""
    lines = (TESTDATA / "organization-quirks.csv").read_text("utf-8").split("\n")
    fields = lines[1].split(";")
    fields[4] = '"ACME Labs'
    lines[1] = ";".join(fields)
    path = tmp_path / "organization.csv"
    path.write_text("\n".join(lines), "utf-8")
    warehouse = loaded(tmp_path, path)
    [source] = warehouse.sources()
    # 6 records: the broken one and the keyless one of line 5 kept aside, 4 loaded
    assert (source["rows_read"], source["rows_loaded"], source["rows_quarantined"]) == (6, 4, 2)
    kept = {row["line"]: row for row in warehouse.quarantine()}
    assert sorted(kept) == [2, 3, 5]
    assert not kept[2]["recovered"] and "field 'name'" in kept[2]["reason"]
    assert kept[3]["recovered"] and kept[3]["raw_text"] == "\n".join(lines[2:4])
    chicago = warehouse.query(
        "SELECT street, source_line FROM participations WHERE pic = 993760054"
    )
    assert chicago == [{"street": "S ELLIS AVE 5801\nROOM 503", "source_line": 3}]
