"""The typed load: values trimmed in Arrow exactly as DuckDB's trim() trims them, so that
every typed value is what it was when SQL trimmed it, and a value that does not parse is
quoted as the file wrote it, spaces included."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pyarrow as pa

from bilat.warehouse.ingest import ingest
from bilat.warehouse.loading import trimmed
from bilat.warehouse.store import Warehouse

from conftest import TESTDATA


def test_trimmed_takes_off_either_end_exactly_what_duckdb_trim_takes_off() -> None:
    codes = [code for code in range(1, 0x110000) if not 0xD800 <= code <= 0xDFFF]
    values = [f"{chr(code) * 2}a {chr(code)}b{chr(code)}" for code in codes]
    table = pa.table({"value": values, "line": list(range(len(values)))})
    ours = trimmed(table)
    assert ours["line"] == table["line"]  # not text: as it was
    con = duckdb.connect()
    con.register("pairs", pa.table({"value": values, "ours": ours["value"]}))
    [(differ, changed)] = con.execute(
        "SELECT count(*) FILTER (WHERE trim(value) <> ours), count(*) FILTER (WHERE ours <> value)"
        " FROM pairs"
    ).fetchall()
    assert differ == 0
    assert changed == 17  # Unicode's space separators (Zs), the ASCII space among them


def test_trimmed_keeps_the_columns_asked_for_and_clean_columns_as_they_were() -> None:
    table = pa.table({"a": [" 1 ", "2"], "b": [" x", "y"], "c": ["p", "q"]})
    table = table.append_column("d", pa.array([" a ", None], pa.large_string()))
    out = trimmed(table, keep={"b"})
    assert out["a"].to_pylist() == ["1", "2"] and out["d"].to_pylist() == ["a", None]
    assert out["b"].to_pylist() == [" x", "y"]
    # nothing to trim: the very same characters in memory, not a copy
    assert out["c"].chunks[0].buffers()[2].address == table["c"].chunks[0].buffers()[2].address


def test_padded_values_load_typed_and_a_bad_one_is_quoted_with_its_spaces(tmp_path: Path) -> None:
    text = (TESTDATA / "organization-quirks.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    chicago = next(row for row in rows if row[2] == "993760054")
    padded = {
        "order": "\u00a03\u3000",
        "ecContribution": " 1500,50\u2003",
        "SME": "\u202fTRUE ",
        "country": " us\u00a0",
        "role": "\u3000participant",
        "contentUpdateDate": " 2023-11-21 16:52:46 ",
        "rcn": "\u00a012x ",
    }
    for name, value in padded.items():
        chicago[header.index(name)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    table = tmp_path / "organization.csv"
    table.write_text(out.getvalue(), "utf-8")
    target = tmp_path / "w.duckdb"
    ingest([table], warehouse=target, programme="HE")
    warehouse = Warehouse(target)
    [found] = warehouse.query(
        """SELECT order_no, ec_contribution, sme, country, role, content_update, rcn
           FROM participation_rows WHERE pic = 993760054"""
    )
    assert found["order_no"] == 3 and str(found["ec_contribution"]) == "1500.50"
    assert found["sme"] is True and found["country"] == "US" and found["role"] == "participant"
    assert str(found["content_update"]) == "2023-11-21 16:52:46" and found["rcn"] is None
    issues = {(i["field"], i["raw_value"]) for i in warehouse.value_issues() if i["line"] == 3}
    assert issues == {("rcn", "\u00a012x ")}
