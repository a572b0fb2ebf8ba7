"""The measures of a subject's own participations, counted in Arrow over rows fetched by one
plain query.

Why not in SQL: a country's rows under any filter are a few thousand, and DuckDB returns them
in a millisecond or two (the facts are sorted by country, so it reads only the row groups
holding the country), but it took longer to plan a breakdown's query (its CTEs, grouping sets
and joins) than to run it. So an indicator fetches the subject's rows with `subject_rows`, a
query with nothing to plan, counts them here, and reads everyone's totals from the aggregate
tables with a second small query, per programme only: the rows over all programmes (`ALL`)
are added up here (`with_all`), because DuckDB's GROUPING SETS cost more than the rest of
that query.

`tally` gives what the measures' SQL definitions (`measures.MEASURES`) give in a GROUP BY,
value for value and type for type (a test checks it on real rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from bilat.indicators import shared
from bilat.indicators.measures import BY_NAME, MEASURES
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

# Each measure as (the column of the facts it reads, the value to aggregate, how); a value of
# None counts the rows.
_COUNTED: dict[str, tuple[str, Callable[[pa.Table], pa.ChunkedArray] | None, str]] = {
    "participations": ("programme", None, "count_all"),
    "funded_participations": ("funded", lambda t: t["funded"], "sum"),
    "unfunded_participations": ("funded", lambda t: pc.invert(t["funded"]), "sum"),
    "organisations": ("pic", lambda t: t["pic"], "count_distinct"),
    "projects": ("project_id", lambda t: t["project_id"], "count_distinct"),
    "coordinated_projects": ("role", lambda t: pc.equal(t["role"], "coordinator"), "sum"),
    "ec_contribution": ("ec_contribution", lambda t: t["ec_contribution"], "sum"),
    "net_ec_contribution": ("net_ec_contribution", lambda t: t["net_ec_contribution"], "sum"),
}

# The amounts: summed over only missing values they stay missing, never 0.
MONEY = frozenset(measure.name for measure in MEASURES if measure.money)


def columns(names: Sequence[str], *more: str) -> tuple[str, ...]:
    """The columns of the facts that the measures `names` read, the programme first, then
    `more` (a breakdown's keys), each once."""
    found = ["programme", *(_COUNTED[name][0] for name in names), *more]
    return tuple(dict.fromkeys(found))


# The columns of the facts that the profile's indicators read: on a page (`shared.one_page`)
# they are fetched together once, for about twice the cost of one indicator's columns
# instead of nine times that.
PAGE_COLUMNS = (
    "programme", "funded", "pic", "project_id", "role", "ec_contribution", "net_ec_contribution",
    "year", "activity_type", "scheme_group", "programme_part", "pillar", "programme_part_code",
    "us_state", "country",
)  # fmt: skip


def subject_rows(
    warehouse: Warehouse,
    scope: Scope,
    selected: Sequence[str],
    *,
    join: str = "",
    more: Sequence[str] = (),
) -> pa.Table:
    """The subject's participations under the scope's filters: the columns `selected` of the
    facts `f`, and the columns `more` that `join` (a join on `f`) adds. Only what is read is
    fetched (every column more costs as much as the query itself), except on a page, whose
    indicators share one read of the columns they all need (`PAGE_COLUMNS`)."""
    where, params = scope.where()
    subject, also = scope.subject.where()

    def fetch(listed: Sequence[str]) -> pa.Table:
        return warehouse.arrow(
            f"SELECT {', '.join(listed)} FROM participation_facts f {join} "
            f"WHERE {where} AND {subject}",
            params | also,
        )

    if join or not shared.active() or not set(selected) <= set(PAGE_COLUMNS):
        return fetch([f"f.{c}" for c in selected] + list(more))
    every = [f"f.{c}" for c in PAGE_COLUMNS]
    key = ("subject_rows", where, subject, repr(params | also))
    return shared.once(key, partial(fetch, every)).select(list(selected))


def tally(
    rows: pa.Table,
    keys: Mapping[str, pa.ChunkedArray],
    names: Sequence[str],
    *,
    by_programme: bool = True,
    total: bool = False,
) -> pa.Table:
    """The measures `names` over `rows` per programme (when `by_programme`; with an `ALL` row
    per key when `total`) and `keys` (a name and a value for each of `rows`): what the
    measures' SQL definitions give grouped the same way, in no order.

    A row count under a condition counts the rows where it holds (missing is not counted,
    as `count(*) FILTER` does), a distinct count leaves missing values out, a count summed
    over no row is 0, and an amount summed over only missing values is missing, as SQL's
    `sum` (associated partners' EU contribution is empty, not 0)."""
    for name in names:
        if name not in BY_NAME:
            raise ValueError(f"{name} is not a measure")
    head = (["programme"] if by_programme else []) + list(keys)
    base = pa.table(
        ({"programme": rows["programme"]} if by_programme else {})
        | dict(keys)
        | {f"m_{n}": value(rows) for n in names if (value := _COUNTED[n][1]) is not None}
    )
    groups = [head]
    if by_programme and total:
        groups.append(list(keys))
    found = [_grouped(base, group, head, names) for group in groups]
    return pa.concat_tables(found) if len(found) > 1 else found[0]


def _grouped(base: pa.Table, group: list[str], head: list[str], names: Sequence[str]) -> pa.Table:
    """One grouping of `tally`: the rows of `group`, the programme `ALL` where it is left out."""
    aggregations: list[tuple[str | list[str], str]] = []
    for name in names:
        _, value, how = _COUNTED[name]
        aggregations.append(([], how) if value is None else (f"m_{name}", how))
    grouped = base.group_by(group, use_threads=False).aggregate(aggregations)
    out = _head(grouped, group, head)
    for name in names:
        _, value, how = _COUNTED[name]
        found = grouped["count_all" if value is None else f"m_{name}_{how}"]
        if how == "sum" and name not in MONEY:
            found = pc.fill_null(found, pa.scalar(0, found.type))
        if pa.types.is_unsigned_integer(found.type):
            found = found.cast(pa.int64())
        out[name] = found
    return pa.table(out)


def _head(grouped: pa.Table, group: list[str], head: list[str]) -> dict[str, pa.ChunkedArray]:
    """The group columns of `head` from `grouped`, the programme `ALL` where it is left out."""
    out: dict[str, pa.ChunkedArray] = {}
    for column in head:
        if column in group:
            out[column] = grouped[column]
        else:
            out[column] = pa.chunked_array([pa.array(["ALL"] * grouped.num_rows, pa.string())])
    return out


def with_all(table: pa.Table, keys: Sequence[str], sums: Sequence[str]) -> pa.Table:
    """`table` (per programme and `keys`, with the additive columns `sums`) and, under it, the
    rows over all programmes (`ALL`) per key: what GROUPING SETS would add."""
    grouped = table.group_by(list(keys), use_threads=False).aggregate([(s, "sum") for s in sums])
    out = _head(grouped, list(keys), ["programme", *keys])
    for name in sums:
        out[name] = grouped[f"{name}_sum"].cast(table.schema.field(name).type)
    return pa.concat_tables([table.select(list(out)), pa.table(out)])


def lookup(table: pa.Table, keys: Iterable[str], value: str) -> dict[tuple[object, ...], Any]:
    """`value` of each row of `table` by its `keys` (missing keys match each other, as `IS NOT
    DISTINCT FROM` does): for joining a subject's small tally to everyone's figures."""
    found = zip(*(table[k].to_pylist() for k in keys), strict=True)
    return dict(zip(found, table[value].to_pylist(), strict=True))


def counts(values: pa.ChunkedArray) -> dict[object, int]:
    """How many times each value occurs."""
    found = pc.value_counts(values)
    return dict(
        zip(
            found.field("values").to_pylist(),
            found.field("counts").to_pylist(),
            strict=True,
        )
    )


def filled(
    wanted: Sequence[tuple[object, ...]], mine: pa.Table, keys: Sequence[str], names: Sequence[str]
) -> dict[str, pa.Array]:
    """The measures `names` of `mine` (a tally) for each key of `wanted` (values of `keys`),
    0 where the subject has no row: `everyone LEFT JOIN mine` with `COALESCE(m.x, 0)`."""
    rows = {tuple(row[k] for k in keys): row for row in mine.select([*keys, *names]).to_pylist()}
    out = {}
    for name in names:
        kind = mine.schema.field(name).type
        zero = Decimal(0) if pa.types.is_decimal(kind) else 0
        out[name] = pa.array([rows.get(key, {}).get(name, zero) for key in wanted], kind)
    return out


def ratios(numerators: Sequence[object], denominators: Sequence[object]) -> pa.Array:
    """numerator / denominator as a double, missing where the denominator is 0 or missing
    or the numerator is missing (`measures.share` in SQL)."""
    return pa.array(
        [
            float(n) / float(d) if d and n is not None else None  # type: ignore[arg-type]
            for n, d in zip(numerators, denominators, strict=True)
        ],
        pa.float64(),
    )
