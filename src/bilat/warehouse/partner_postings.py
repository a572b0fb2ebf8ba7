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

The join itself is done in numpy too: the participations are read once, grouped by project,
and each key's projects are expanded into their participations by index arithmetic. Handing
DuckDB's joined pairs to numpy cost twice the join (a column of millions of rows converted
chunk by chunk); the expansion reads only the two small tables it needs.

Keys are taken in batches of at most `BATCH_ROWS` joined pairs, so memory stays bounded at
ten times the full scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from bilat.warehouse.sql import run, scalar

# Joined (key, participation) pairs sorted at once: 8 MB per column of 64-bit numbers.
BATCH_ROWS = 1_000_000
_KINDS = "k.kind IN ('part', 'family', 'field')"
# Bits: the key above the organisation above the coordinator flag; organisation numbers are
# below 2^32 (there are not four billion organisations).
_ORG_BITS = 32


@dataclass(frozen=True)
class _ByProject:
    """The participations grouped by project: project `p`'s are `pairs[first[p]:first[p + 1]]`,
    each its organisation and coordinator flag packed as `org << 1 | coordinator`."""

    first: np.ndarray
    pairs: np.ndarray


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Write `partner_postings` from the stored keys, key projects and participations."""
    run(
        con,
        """CREATE OR REPLACE TABLE partner_postings (
               key BIGINT, org BIGINT, count DOUBLE, led DOUBLE)""",
    )
    participations = _by_project(con)
    for low, high in _batches(con):
        keyed = con.sql(
            f"""SELECT e.key, e.project FROM partner_key_projects e
                JOIN partner_keys k ON k.number = e.key
                WHERE {_KINDS} AND e.key BETWEEN $low AND $high""",
            params={"low": low, "high": high},
        ).fetchnumpy()
        pairs = _pairs(keyed["key"], keyed["project"], participations)
        con.register("partner_batch", _counted(pairs))
        try:
            run(con, "INSERT INTO partner_postings SELECT * FROM partner_batch")
        finally:
            con.unregister("partner_batch")


def _by_project(con: duckdb.DuckDBPyConnection) -> _ByProject:
    """Every participation of the index, grouped by project number."""
    found = con.sql(
        """SELECT project, (org << 1) | coordinator::BIGINT AS pair
           FROM partner_participations"""
    ).fetchnumpy()
    projects = int(scalar(con, "SELECT count(*) FROM partner_projects"))
    project = np.asarray(found["project"], np.int64)
    order = np.argsort(project, kind="stable")  # stored in project order: a linear pass
    counts = np.bincount(project, minlength=projects)
    first = np.concatenate(([0], np.cumsum(counts)))
    return _ByProject(first=first, pairs=np.asarray(found["pair"], np.int64)[order])


def _pairs(keys: np.ndarray, projects: np.ndarray, by_project: _ByProject) -> np.ndarray:
    """Each (key, project) expanded into its project's participations, packed as
    `key << 33 | org << 1 | coordinator`, unsorted."""
    projects = np.asarray(projects, np.int64)
    starts = by_project.first[projects]
    sizes = by_project.first[projects + 1] - starts
    ends = np.cumsum(sizes)
    # The i-th pair of row r is participation starts[r] + i; pairs are laid out row after row,
    # so pair j of row r sits at ends[r] - sizes[r] + i.
    index = np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - sizes), sizes)
    key = np.repeat(np.asarray(keys, np.int64), sizes)
    packed: np.ndarray = (key << (_ORG_BITS + 1)) | by_project.pairs[index]
    return packed


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
    new = np.ones(len(pair), bool)
    np.not_equal(pair[1:], pair[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    stops = np.append(starts[1:], len(pair))
    # Coordinators counted by differences of a running count: one pass, where summing each
    # run (`np.add.reduceat`) cost as much again as the sort.
    coordinators = np.concatenate(([0], np.cumsum(packed & 1)))
    led = coordinators[stops] - coordinators[starts]
    keys = pair[starts]
    return pa.table(
        {
            "key": keys >> _ORG_BITS,
            "org": keys & ((1 << _ORG_BITS) - 1),
            "count": (stops - starts).astype(np.float64),
            "led": led.astype(np.float64),
        }
    )
