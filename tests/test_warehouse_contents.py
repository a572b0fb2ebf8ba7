"""What an ingest writes, locked: every base and derived table built from the bundled real data
(the three programmes) and from the real rows that break naive CSV parsing, compared row for row
with a fingerprint taken from the warehouse that bilat built before the ingest was made faster
(`tests/data/warehouse-fingerprint.json`).

Speed must never change a number: a change to how files are parsed, staged, loaded or derived
that alters any row of these tables fails here, naming the table. A deliberate change of the
warehouse's contents writes the fingerprint again (`python tests/test_warehouse_contents.py`,
which prints it) and says why in its commit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import duckdb

from bilat.warehouse.ingest import SOURCE_TABLES, ingest

from conftest import DATA, TESTDATA

FINGERPRINT = TESTDATA / "warehouse-fingerprint.json"

# The tables the ingest writes (loading and derive); the aggregate tables and the partner index
# are built from them and checked against them by their own tests.
TABLES = (
    *SOURCE_TABLES,
    "sources",
    "programme_datasets",
    "projects",
    "organisations",
    "countries",
    "country_status",
    "country_status_rules",
    "participation_facts",
    "project_field_levels",
    "programme_tables",
)
# Where the files were and when they were loaded differ from one build to the next.
VARYING = {"sources": ("path", "loaded_at")}
EXTRACTS = [
    TESTDATA / f"cordis-{programme}{table}.csv"
    for programme in ("fp7", "h2020")
    for table in ("projects", "organizations")
]
ODD = [TESTDATA / "organization-quirks.csv", TESTDATA / "he-project-invalid-fields.csv"]


def fingerprint(path: Path) -> dict[str, list[object]]:
    """Per table: its rows, and the md5 of its rows written as text in sorted order (the
    order rows are stored in is not part of the contents)."""
    found: dict[str, list[object]] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for table in TABLES:
            columns = [
                name
                for (name,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                    "ORDER BY column_index",
                    [table],
                ).fetchall()
                if name not in VARYING.get(table, ())
            ]
            row = ", ".join(f'"{name}"' for name in columns)
            rows, digest = con.execute(
                f"""SELECT count(*), md5(COALESCE(string_agg(line, chr(10) ORDER BY line), ''))
                    FROM (SELECT CAST(({row},) AS VARCHAR) AS line FROM {table})"""
            ).fetchone() or (0, "")
            found[table] = [rows, digest]
    return found


def build(folder: Path) -> dict[str, dict[str, list[object]]]:
    """The fingerprints of the two warehouses the test builds, in `folder`."""
    three = folder / "three.duckdb"
    ingest([DATA, *EXTRACTS], warehouse=three)
    odd = folder / "odd.duckdb"
    ingest(ODD, warehouse=odd, programme="HE")
    return {"three programmes": fingerprint(three), "odd rows": fingerprint(odd)}


def test_the_ingest_writes_the_same_rows_as_before(tmp_path: Path) -> None:
    expected = json.loads(FINGERPRINT.read_text("utf-8"))
    found = build(tmp_path)
    for name, tables in expected.items():
        for table, (rows, digest) in tables.items():
            assert found[name][table] == [rows, digest], f"{name}: {table} changed"
    assert found["three programmes"]["participation_rows"][0] > 80_000  # the data was read
    assert found["odd rows"]["quarantine"][0] > 0  # and the odd rows were kept aside


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        json.dump(build(Path(folder)), sys.stdout, indent=1, sort_keys=True)
        print()
