"""The partner index's keyed projects at ingest: each (key, project) once, by sorting.

`partner_key_rows` lists every key a project is indexed under once per way it is found (a
field shared by two of the project's paths, a word in its title and in a field name). Its SQL
definition in `partner_index` (used for the index of a period) makes the pairs distinct by
grouping, counts each key's projects by grouping again, numbers the keys and sorts the pairs by
key and project: at full scale 1.5 million rows, on which DuckDB's hash aggregates and its sort
took about half a second of CPU. Here each row is packed into one 64-bit number (key name,
project, and whether the key is *not* the project's own, so that an own row sorts first), the
numbers are sorted once and the first of each (name, project) kept: the same
`partner_key_counts` and `partner_key_projects`, rows and order, which
`tests/test_warehouse_partner_index.py` compares with the SQL definition's.

Names are taken in ranges of at most `BATCH_ROWS` rows, so memory stays bounded at ten times
the full scale; a name's rows are all in one range, and numbers run on from one to the next.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from bilat.warehouse.sql import run

# Packed rows sorted at once: 8 MB per 64-bit column per million.
BATCH_ROWS = 2_000_000
# Bits: the key name above the project above the "not own" flag; project numbers are below 2^32.
_PROJECT_BITS = 32
_NAME_SHIFT = _PROJECT_BITS + 1


def build(con: duckdb.DuckDBPyConnection, rows: str) -> None:
    """Write `partner_key_counts` (temporary: number, name, projects) and
    `partner_key_projects` (key, project, own) from the key rows that the query `rows` returns
    (project, name, own)."""
    run(
        con,
        f"""CREATE OR REPLACE TEMP TABLE partner_packed_key_rows AS
            SELECT (name::BIGINT << {_NAME_SHIFT}) | (project::BIGINT << 1)
                   | (NOT own)::BIGINT AS packed
            FROM ({rows})""",
    )
    run(
        con,
        """CREATE OR REPLACE TEMP TABLE partner_key_counts (
               number BIGINT, name BIGINT, projects BIGINT)""",
    )
    run(
        con,
        """CREATE OR REPLACE TABLE partner_key_projects (
               key BIGINT, project BIGINT, own BOOLEAN)""",
    )
    number = 0
    try:
        for low, high in _batches(con):
            packed = con.sql(
                """SELECT packed FROM partner_packed_key_rows
                   WHERE packed >> $shift BETWEEN $low AND $high""",
                params={"shift": _NAME_SHIFT, "low": low, "high": high},
            ).fetchnumpy()["packed"]
            counts, pairs = _distinct(np.asarray(packed, np.int64), number)
            number += counts.num_rows
            for table, batch in (("partner_key_counts", counts), ("partner_key_projects", pairs)):
                con.register("partner_batch", batch)
                try:
                    run(con, f"INSERT INTO {table} SELECT * FROM partner_batch")
                finally:
                    con.unregister("partner_batch")
    finally:
        run(con, "DROP TABLE IF EXISTS partner_packed_key_rows")


def _batches(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """Ranges of key names, in order, each of at most `BATCH_ROWS` rows (or one name)."""
    sizes = run(
        con,
        f"""SELECT packed >> {_NAME_SHIFT} AS name, count(*) FROM partner_packed_key_rows
            GROUP BY name ORDER BY name""",
    )
    found: list[tuple[int, int]] = []
    rows = 0
    for name, size in sizes:
        if found and rows + size <= BATCH_ROWS:
            found[-1] = (found[-1][0], name)
            rows += size
        else:
            found.append((name, name))
            rows = size
    return found


def _distinct(packed: np.ndarray, first_number: int) -> tuple[pa.Table, pa.Table]:
    """The keys of the packed rows numbered from `first_number` in name order with their
    project counts, and each (key, project) once with whether the key is the project's own,
    in key then project order."""
    packed.sort()
    pair = packed >> 1
    first = np.ones(len(pair), bool)
    np.not_equal(pair[1:], pair[:-1], out=first[1:])
    kept = packed[first]  # the first of a pair is its own row when it has one
    del pair, first
    name = kept >> _NAME_SHIFT
    new = np.ones(len(name), bool)
    np.not_equal(name[1:], name[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    counts = pa.table(
        {
            "number": np.arange(first_number, first_number + len(starts), dtype=np.int64),
            "name": name[starts],
            "projects": np.diff(starts, append=len(name)),
        }
    )
    key = np.cumsum(new, dtype=np.int64)
    key += first_number - 1
    pairs = pa.table(
        {
            "key": key,
            "project": (kept >> 1) & ((1 << _PROJECT_BITS) - 1),
            "own": (kept & 1) == 0,
        }
    )
    return counts, pairs
