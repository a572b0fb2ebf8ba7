"""The measures that indicators count, written once as SQL aggregates over participation facts.

Every table that reports participations counts them the same way: a participation is funded
when its EU contribution is above zero; a project is counted once by its grant agreement
number (unique across FP7, H2020 and Horizon Europe: CORDIS numbers agreements in one
sequence); a project is coordinated by whoever holds its coordinator role, and every project
has one coordinator, so coordinated projects are counted as coordinator participations.
Distinct counts are the costly part of every indicator; these choices halve them, and
`measured` counts them in two steps (the distinct rows first, then a plain count), which
DuckDB does several times faster than a grouped `count(DISTINCT ...)` with the same result.
Queries read the facts through CTEs marked NOT MATERIALIZED: DuckDB would otherwise copy the
whole filtered table once for each time a query refers to it (a third of a breakdown's time).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    """One aggregate column: its name, SQL over participation facts, and title."""

    name: str
    sql: str
    title: str
    money: bool = False
    # The same measure summed over `aggregate_cells` (None for distinct counts, which do not
    # add up over cells: `bilat.indicators.everyone` reads those from the masks).
    cells: str | None = None


def _count(column: str) -> str:
    """A count kept per cell, summed back to the BIGINT that count(*) gives."""
    return f"CAST(sum({column}) AS BIGINT)"


MEASURES = (
    Measure("participations", "count(*)", "Participations", cells=_count("participations")),
    Measure(
        "funded_participations",
        "count(*) FILTER (WHERE funded)",
        "Funded participations (EU contribution above zero)",
        cells=_count("funded_participations"),
    ),
    Measure(
        "unfunded_participations",
        "count(*) FILTER (WHERE NOT funded)",
        "Unfunded participations",
        cells=_count("unfunded_participations"),
    ),
    Measure("organisations", "count(DISTINCT pic)", "Organisations (unique PICs)"),
    Measure("projects", "count(DISTINCT project_id)", "Projects"),
    Measure(
        "coordinated_projects",
        "count(*) FILTER (WHERE role = 'coordinator')",
        "Projects coordinated",
        cells=_count("coordinated_projects"),
    ),
    Measure(
        "ec_contribution",
        "COALESCE(sum(ec_contribution), 0)",
        "EU contribution (EUR)",
        money=True,
        cells="COALESCE(sum(ec_contribution), 0)",
    ),
    Measure(
        "net_ec_contribution",
        "COALESCE(sum(net_ec_contribution), 0)",
        "Net EU contribution (EUR)",
        money=True,
        cells="COALESCE(sum(net_ec_contribution), 0)",
    ),
)
BY_NAME = {measure.name: measure for measure in MEASURES}
# The smaller set that breakdown tables show.
BREAKDOWN = (
    "participations",
    "funded_participations",
    "organisations",
    "projects",
    "coordinated_projects",
    "ec_contribution",
)


def aggregates(names: tuple[str, ...] = tuple(BY_NAME)) -> str:
    """`sql AS name` for each measure, for a SELECT list."""
    return ",\n       ".join(f"{BY_NAME[name].sql} AS {name}" for name in names)


def cell_sums(names: tuple[str, ...]) -> str:
    """`sql AS name` for each additive measure, summed over the aggregate cells."""
    found = []
    for name in names:
        cells = BY_NAME[name].cells
        if cells is None:
            raise ValueError(f"{name} is a distinct count: it cannot be summed over cells")
        found.append(f"{cells} AS {name}")
    return ",\n       ".join(found)


# The measures that add up over cells, in the order of MEASURES.
ADDITIVE = tuple(measure.name for measure in MEASURES if measure.cells is not None)


def filled(alias: str, names: tuple[str, ...] = tuple(BY_NAME)) -> str:
    """Each measure from `alias`, zero where the subject has no row."""
    return ",\n       ".join(f"COALESCE({alias}.{name}, 0) AS {name}" for name in names)


def share(numerator: str, denominator: str) -> str:
    """A ratio that is NULL, not an error, when the denominator is zero."""
    return f"CAST({numerator} AS DOUBLE) / NULLIF({denominator}, 0)"


# The column each distinct count counts.
DISTINCT = {"organisations": "pic", "projects": "project_id", "countries": "country"}


def measured(
    rows: str,
    keys: tuple[str, ...],
    names: tuple[str, ...],
    *,
    by_programme: bool = True,
    total: bool = False,
    extra: tuple[str, ...] = (),
) -> str:
    """A query of the measures `names` over the rows of `rows` (a CTE or table) per
    programme (when `by_programme`, with an `ALL` row when `total`) and `keys`, the same as
    `SELECT ..., aggregates(names) ... GROUP BY ...`, with `extra` (`sql AS name`) added.

    Each distinct count is a count over the distinct (group, column) rows, joined back to
    the other measures; a group whose column is always missing counts 0, as count(DISTINCT)
    does.
    """
    head = (["programme"] if by_programme else []) + list(keys)
    selected = ", ".join(([PROGRAMME] if by_programme else []) + list(keys))

    def grouping(*more: str) -> str:
        if by_programme:
            return group_by((*keys, *more), total=total)
        return f"GROUP BY {', '.join((*keys, *more))}" if keys or more else ""

    plain = tuple(name for name in names if name not in DISTINCT)
    columns = [f"{BY_NAME[name].sql} AS {name}" for name in plain] + list(extra)
    parts = [f"(SELECT {', '.join(filter(None, [selected, *columns]))} FROM {rows} {grouping()}) a"]
    for name in names:
        if name not in DISTINCT:
            continue
        column = DISTINCT[name]
        found = (
            f"SELECT {', '.join(filter(None, [selected, column]))} FROM {rows} "
            f"WHERE {column} IS NOT NULL {grouping(column)}"
        )
        on = " AND ".join(f"a.{h} IS NOT DISTINCT FROM d_{name}.{h}" for h in head) or "true"
        outer = ", ".join(head)
        parts.append(
            f"LEFT JOIN (SELECT {outer + ', ' if outer else ''}count(*) AS {name} "
            f"FROM ({found}) {'GROUP BY ' + outer if outer else ''}) d_{name} ON {on}"
        )
    picked = (
        [f"a.{h}" for h in head]
        + [
            f"COALESCE(d_{name}.{name}, 0) AS {name}" if name in DISTINCT else f"a.{name}"
            for name in names
        ]
        + [f"a.{item.rsplit(' AS ', 1)[1]}" for item in extra]
    )
    return f"SELECT {', '.join(picked)} FROM {' '.join(parts)}"


# The programme of a row, `ALL` on the row that totals the programmes.
PROGRAMME = "CASE WHEN grouping(programme) = 1 THEN 'ALL' ELSE programme END AS programme"


def group_by(keys: tuple[str, ...], *, total: bool) -> str:
    """GROUP BY programme and `keys`, with rows over all programmes too when `total`."""
    with_programme = ", ".join(("programme", *keys))
    if not total:
        return f"GROUP BY {with_programme}"
    return f"GROUP BY GROUPING SETS (({with_programme}), ({', '.join(keys)}))"
