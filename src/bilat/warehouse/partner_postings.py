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
ten times the full scale, and each batch is worked in the same arrays (`_Work`).
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


class _Work:
    """Arrays reused from batch to batch, every step writing into them: each fresh array of a
    million numbers costs the kernel's zeroing of its pages, which took a third of the step's
    CPU (profiled with perf), more than the arithmetic. The pairs' `packed` and `scratch`, the
    run starts' flags `new`, and the rows written (`key`, `org`, `count`, `led`)."""

    def __init__(self, capacity: int) -> None:
        self.packed = np.empty(capacity, np.int64)
        self.scratch = np.empty(capacity, np.int64)
        self.new = np.empty(capacity, bool)
        self.key = np.empty(capacity, np.int64)
        self.org = np.empty(capacity, np.int64)
        self.count = np.empty(capacity, np.float64)
        self.led = np.empty(capacity, np.float64)


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Write `partner_postings` from the stored keys, key projects and participations."""
    run(
        con,
        """CREATE OR REPLACE TABLE partner_postings (
               key BIGINT, org BIGINT, count DOUBLE, led DOUBLE)""",
    )
    participations = _by_project(con)
    batches = _batches(con)
    work = _Work(max((rows for _low, _high, rows in batches), default=0))
    for low, high, _rows in batches:
        keyed = con.sql(
            f"""SELECT e.key, e.project FROM partner_key_projects e
                JOIN partner_keys k ON k.number = e.key
                WHERE {_KINDS} AND e.key BETWEEN $low AND $high""",
            params={"low": low, "high": high},
        ).fetchnumpy()
        pairs = _pairs(keyed["key"], keyed["project"], participations, work)
        con.register("partner_batch", _counted(work, pairs))
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


def _pairs(keys: np.ndarray, projects: np.ndarray, by_project: _ByProject, work: _Work) -> int:
    """Each (key, project) expanded into its project's participations, packed as
    `key << 33 | org << 1 | coordinator`, unsorted, into `work.packed`; returns how many."""
    projects = np.asarray(projects, np.int64)
    keys = np.asarray(keys, np.int64)
    starts = by_project.first[projects]
    sizes = by_project.first[projects + 1] - starts
    if not sizes.all():  # a project whose participations all lack a PIC adds no pair
        keep = sizes > 0
        keys, starts, sizes = keys[keep], starts[keep], sizes[keep]
    n = int(sizes.sum())
    if not n:
        return 0
    heads = np.cumsum(sizes) - sizes  # where each row's pairs begin
    # Pair j's participation, as a running sum of ones that jumps, at each row's first pair,
    # from the row before's last participation to this row's first.
    index = work.scratch[:n]
    index.fill(1)
    index[0] = starts[0]
    index[heads[1:]] = starts[1:] - (starts[:-1] + sizes[:-1] - 1)
    np.cumsum(index, out=index)
    packed = work.packed[:n]
    np.take(by_project.pairs, index, out=packed, mode="clip")  # in range: clip copies nothing
    # Pair j's key, as a running sum of each row's difference from the row before.
    index.fill(0)
    index[0] = keys[0]
    index[heads[1:]] = np.diff(keys)
    np.cumsum(index, out=index)
    np.left_shift(index, _ORG_BITS + 1, out=index)
    np.bitwise_or(packed, index, out=packed)
    return n


def _batches(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int, int]]:
    """Ranges of key numbers, in order, each joining to at most `BATCH_ROWS` pairs (or one
    key, however many), with how many."""
    sizes = run(
        con,
        f"""SELECT e.key, sum(p.n) FROM partner_key_projects e
            JOIN partner_keys k ON k.number = e.key
            JOIN (SELECT project, count(*) AS n FROM partner_participations GROUP BY project) p
              USING (project)
            WHERE {_KINDS} GROUP BY e.key ORDER BY e.key""",
    )
    found: list[tuple[int, int, int]] = []
    for key, size in sizes:
        if found and found[-1][2] + size <= BATCH_ROWS:
            found[-1] = (found[-1][0], key, found[-1][2] + size)
        else:
            found.append((key, key, size))
    return found


def _counted(work: _Work, n: int) -> pa.Table:
    """Each distinct (key, organisation) of the first `n` packed pairs with its count and
    coordinator count, in key then organisation order (a table over `work`'s arrays)."""
    packed = work.packed[:n]
    packed.sort()
    scratch, new = work.scratch[:n], work.new[:n]
    new[:1] = True
    # A new (key, organisation) where two neighbours differ above the coordinator bit.
    np.bitwise_xor(packed[1:], packed[:-1], out=scratch[1:])
    np.greater(scratch[1:], 1, out=new[1:])
    starts = np.flatnonzero(new)
    m = len(starts)
    key, org, count, led = work.key[:m], work.org[:m], work.count[:m], work.led[:m]
    ends = key  # used for the runs' ends until the keys are written
    ends[:-1] = starts[1:]
    ends[-1:] = n
    np.subtract(ends, starts, out=count)
    # Coordinators counted by differences of a running count at each run's last pair: one
    # pass, where summing each run (`np.add.reduceat`) cost as much again as the sort.
    np.bitwise_and(packed, 1, out=scratch)
    np.cumsum(scratch, out=scratch)
    ends -= 1
    np.take(scratch, ends, out=org, mode="clip")
    led[:1] = org[:1]
    np.subtract(org[1:], org[:-1], out=led[1:])
    np.take(packed, starts, out=key, mode="clip")
    np.right_shift(key, 1, out=key)
    np.bitwise_and(key, (1 << _ORG_BITS) - 1, out=org)
    np.right_shift(key, _ORG_BITS, out=key)
    return pa.table({"key": key, "org": org, "count": count, "led": led})
