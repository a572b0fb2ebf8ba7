"""Every participation in the subject's projects, as numpy arrays: what the partner and network
indicators count.

One query reads them: the subject's projects (its own rows under the filters, which DuckDB
finds in the few row groups of the facts that hold the subject) and, for each, the row of
`project_members` that lists all its participations. DuckDB plans that in no time, and the
grouping, distinct counts and ranking are then done here over the few tens of thousands of
rows it returns, instead of in one large query whose planning alone took a third of its time.
The indicators of one page share one read (`bilat.indicators.shared`).

Distinct counts rely on the order of each project's list (country, then PIC, see
`bilat.warehouse.members`): the rows of one country, or of one organisation and country, in a
project are adjacent, so a change from the row before marks a new distinct pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from bilat.indicators import shared
from bilat.indicators.participation import ORDER
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Inside:
    """One entry per participation, grouped by project (`project` counts 0, 1, ... in the
    order of `project_ids`). Codes index `countries` / `statuses`; -1 is a missing value
    (and a missing PIC); EU contributions are whole cents, 0 where missing, and `priced`
    marks the rows whose amount CORDIS records (a sum of only missing amounts is missing)."""

    project_ids: Ints
    programme_ranks: Ints  # per project
    project: Ints
    pic: Ints
    country: Ints
    status: Ints
    cents: Ints
    own: Bools
    priced: Bools
    countries: list[str]
    statuses: list[str]

    def __len__(self) -> int:
        return len(self.project)

    def take(self, keep: Bools) -> Inside:
        """Only the rows where `keep` (the projects stay numbered as they were); itself when
        every row is kept (nine copies spared)."""
        if keep.all():
            return self
        return Inside(
            self.project_ids,
            self.programme_ranks,
            self.project[keep],
            self.pic[keep],
            self.country[keep],
            self.status[keep],
            self.cents[keep],
            self.own[keep],
            self.priced[keep],
            self.countries,
            self.statuses,
        )

    def first_of(self, *columns: Ints) -> Bools:
        """Whether each row starts a run of rows of one project with the same `columns`: their
        distinct (project, columns) rows, when equal values are adjacent within a project."""
        new = np.ones(len(self), dtype=np.bool_)
        if len(self) > 1:
            changed = self.project[1:] != self.project[:-1]
            for column in columns:
                changed |= column[1:] != column[:-1]
            new[1:] = changed
        return new


# The columns besides the PICs and countries that an indicator may need: every partner
# indicator of a page shares one read of all of them.
COUNTED = frozenset({"programme", "statuses", "cents"})


def read(warehouse: Warehouse, scope: Scope, *, needs: frozenset[str] = COUNTED) -> Inside:
    """Every participation in the projects where the subject takes part under the filters;
    `own` marks the subject's own participations (whatever the filters). Only the columns of
    `needs` are read besides the PICs and countries (the networks need none, the partner
    organisations only the contributions): the others are left as 0 (ranks, cents) or -1
    (statuses, read anyway when the subject is a status group), since each list column costs
    a millisecond or two to read and bring into Arrow. On a page (`shared.one_page`) they are
    read anyway, once, for every partner and network indicator of the page (the arrays are
    then read-only, shared between threads)."""
    if shared.active():
        where, params = scope.where()
        subject, more = scope.subject.where()
        key = ("inside", where, subject, repr(params | more))
        return shared.once(key, partial(_read, warehouse, scope, needs=COUNTED, frozen=True))
    return _read(warehouse, scope, needs=needs)


def _read(
    warehouse: Warehouse, scope: Scope, *, needs: frozenset[str], frozen: bool = False
) -> Inside:
    """`read`'s arrays, made read-only when `frozen` (a page's threads share them)."""
    where, params = scope.where()
    subject, more = scope.subject.where()
    by_status = scope.subject.status is not None
    wanted = needs | ({"statuses"} if by_status else set())
    columns = ["project_id", "pics", "countries"]
    columns += [name for name in ("programme", "statuses", "cents") if name in wanted]
    table = warehouse.arrow(
        f"""SELECT {", ".join(columns)} FROM project_members
            WHERE project_id IN (SELECT project_id FROM participation_facts
                                 WHERE {where} AND {subject})""",
        params | more,
    )
    project_ids = ints(table.column("project_id"))
    pics = table.column("pics")
    lengths = ints(pc.fill_null(pc.list_value_length(pics), 0))
    project = np.repeat(np.arange(len(project_ids), dtype=np.int64), lengths)
    country, countries = _codes(table.column("countries"))
    status, statuses = (
        _codes(table.column("statuses")) if "statuses" in columns else (project * 0 - 1, [])
    )
    # Whether each code is the subject's, looked up by code (the last place: a missing one).
    if by_status:
        mine = np.array([value == scope.subject.status for value in statuses] + [False])
        own = mine[status]
    else:
        wanted_countries = set(scope.subject.countries)
        mine = np.array([value in wanted_countries for value in countries] + [False])
        own = mine[country]
    if "programme" in columns:
        # The programmes' order (others last).
        known = pa.array(list(ORDER), pa.string())
        ranks = ints(pc.index_in(table.column("programme"), known), missing=len(ORDER)) + 1
    else:
        ranks = project_ids * 0
    if "cents" in columns:
        cents = _flat(table.column("cents"), missing=0)
        priced = np.asarray(pc.is_valid(pc.list_flatten(table.column("cents"))), np.bool_)
    else:
        cents, priced = project * 0, np.zeros(len(project), np.bool_)
    arrays = (project_ids, ranks, project, _flat(pics), country, status, cents, own, priced)
    if frozen:
        for array in arrays:
            array.flags.writeable = False
    return Inside(*arrays, countries, statuses)


def ints(column: pa.ChunkedArray | pa.Array, missing: int = -1) -> Ints:
    """An integer column as int64, `missing` for nulls (cast and filled only where needed:
    each is a copy)."""
    if column.type != pa.int64():
        column = pc.cast(column, pa.int64())
    if column.null_count:
        column = pc.fill_null(column, missing)
    return np.asarray(column.to_numpy(), dtype=np.int64)


def _flat(column: pa.ChunkedArray, missing: int = -1) -> Ints:
    """The values of a column of integer lists, one after the other."""
    return ints(pc.list_flatten(column), missing)


def _codes(column: pa.ChunkedArray) -> tuple[Ints, list[str]]:
    """The codes and values of a column of lists of ENUMs (Arrow dictionaries)."""
    values = pc.list_flatten(column)
    chunks = [chunk for chunk in values.chunks if len(chunk)]
    if not chunks:
        return np.zeros(0, np.int64), []
    dictionary = chunks[0].dictionary
    assert all(chunk.dictionary.equals(dictionary) for chunk in chunks)
    codes = np.concatenate([ints(chunk.indices) for chunk in chunks])
    return codes, [str(value) for value in dictionary.to_pylist()]


def counts(groups: Ints, size: int, weights: Ints | None = None) -> Ints:
    """Per group 0..size-1, the number of rows (or the sum of `weights`)."""
    if weights is None:
        return np.bincount(groups, minlength=size).astype(np.int64)
    # Sums of whole cents, exact in float64 below 2**53 cents (90 trillion euros).
    summed = np.bincount(groups, weights=weights.astype(np.float64), minlength=size)
    return np.rint(summed).astype(np.int64)


def unique(values: Ints) -> Ints:
    """The distinct values, sorted (by sorting: numpy's own unique hashes, several times
    slower on these sizes)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def runs(ordered: Ints) -> tuple[Ints, Ints]:
    """The distinct values of a sorted array and how many times each occurs."""
    if not len(ordered):
        return ordered, np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], np.diff(np.r_[starts, len(ordered)])


def member_of(values: Ints, ordered: Ints) -> Bools:
    """Whether each value is one of the sorted, distinct `ordered`. By sorting when they are
    few (a page's worth of partners): numpy's `searchsorted` of tens of thousands of values
    into a few dozen took five times as long."""
    if not len(ordered):
        return np.zeros(len(values), np.bool_)
    if len(ordered) <= FEW:
        return np.asarray(np.isin(values, ordered, kind="sort"), np.bool_)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return np.asarray(ordered[at] == values, np.bool_)


# Up to this many values, `member_of` sorts instead of searching.
FEW = 64


def rows_of(ordered: Ints, wanted: Ints) -> Ints:
    """The places, in order, of the entries of the sorted `ordered` equal to one of the
    sorted, distinct `wanted`: each is a run, found by two searches of `wanted` into
    `ordered` (instead of searching every entry among `wanted`)."""
    starts = np.searchsorted(ordered, wanted, "left")
    sizes = np.searchsorted(ordered, wanted, "right") - starts
    offsets = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
    return np.asarray(offsets + np.arange(int(sizes.sum())), np.int64)


def distinct_counts(groups: Ints, values: Ints, size: int) -> Ints:
    """Per group 0..size-1, how many distinct `values` (>= 0) it holds."""
    known = values >= 0
    if not known.any():
        return np.zeros(size, np.int64)
    span = int(values[known].max()) + 1
    return counts(unique(groups[known] * span + values[known]) // span, size)


def euros(cents: Ints, priced: Ints) -> pa.Array:
    """Whole cents as the DECIMAL(38, 2) that SQL's sum of contributions gives: missing
    (NULL) where none of the amounts summed is recorded (`priced` counts those that are)."""
    return pa.array(
        [Decimal(int(c)).scaleb(-2) if n else None for c, n in zip(cents, priced, strict=True)],
        pa.decimal128(38, 2),
    )
