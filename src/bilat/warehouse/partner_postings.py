"""The partner index's postings at ingest: each key's organisations, counted by sorting.

`partner_postings` holds, per key of kind part, family or field, each organisation with
participations under it and how many (of them as coordinator), in key then organisation order.
Its SQL definition (`partner_index`, used for the index of a period) joins every key's projects
to their participations and groups the pairs: millions of groups for barely more rows, which
DuckDB's hash aggregate took 1.5 s of CPU over at full scale (3 s on the loaded machine, the
largest single step of the ingest). The pairs are small integers, so here each is packed into
one 64-bit number (key, organisation, coordinator bit), the numbers are sorted (a vectorised
sort, a tenth of the time) and the runs counted: the same rows in the same order, which
`tests/test_warehouse_partner_index.py` compares with the SQL definition's.

Keys are taken in batches of at most `BATCH_ROWS` joined pairs, so memory stays bounded at
ten times the full scale.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from bilat.warehouse.sql import run

# Joined (key, participation) pairs sorted at once: 8 MB per column of 64-bit numbers.
BATCH_ROWS = 1_000_000
_KINDS = "k.kind IN ('part', 'family', 'field')"
# Bits: the key above the organisation above the coordinator flag; organisation numbers are
# below 2^32 (there are not four billion organisations).
_ORG_BITS = 32


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Write `partner_postings` from the stored keys, key projects and participations."""
    run(
        con,
        """CREATE OR REPLACE TABLE partner_postings (
               key BIGINT, org BIGINT, count DOUBLE, led DOUBLE)""",
    )
    for low, high in _batches(con):
        pairs = con.sql(
            f"""SELECT (e.key << {_ORG_BITS + 1}) | (p.org << 1) | p.coordinator::BIGINT
                FROM partner_key_projects e JOIN partner_keys k ON k.number = e.key
                JOIN partner_participations p USING (project)
                WHERE {_KINDS} AND e.key BETWEEN $low AND $high""",
            params={"low": low, "high": high},
        ).to_arrow_table()
        con.register("partner_batch", _counted(pairs.column(0).to_numpy()))
        try:
            run(con, "INSERT INTO partner_postings SELECT * FROM partner_batch")
        finally:
            con.unregister("partner_batch")


def _batches(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """Ranges of key numbers, in order, each joining to at most `BATCH_ROWS` pairs (or one
    key, however many)."""
    sizes = run(
        con,
        f"""SELECT e.key, sum(p.n) FROM partner_key_projects e
            JOIN partner_keys k ON k.number = e.key
            JOIN (SELECT project, count(*) AS n FROM partner_participations GROUP BY project) p
              USING (project)
            WHERE {_KINDS} GROUP BY e.key ORDER BY e.key""",
    )
    found: list[tuple[int, int]] = []
    rows = 0
    for key, size in sizes:
        if found and rows + size <= BATCH_ROWS:
            found[-1] = (found[-1][0], key)
            rows += size
        else:
            found.append((key, key))
            rows = size
    return found


def _counted(packed: np.ndarray) -> pa.Table:
    """Each distinct (key, organisation) of the packed pairs with its count and coordinator
    count, in key then organisation order."""
    packed = np.sort(packed)
    pair = packed >> 1
    starts = np.flatnonzero(np.concatenate(([True], pair[1:] != pair[:-1])))
    counts = np.diff(np.append(starts, len(pair)))
    led = np.add.reduceat(packed & 1, starts) if len(starts) else np.zeros(0, np.int64)
    keys = pair[starts]
    return pa.table(
        {
            "key": keys >> _ORG_BITS,
            "org": keys & ((1 << _ORG_BITS) - 1),
            "count": counts.astype(np.float64),
            "led": led.astype(np.float64),
        }
    )
