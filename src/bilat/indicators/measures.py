"""The measures that indicators count, written once as SQL aggregates over participation facts.

Every table that reports participations counts them the same way: a participation is funded
when its EU contribution is above zero; a project is counted once by its grant agreement
number (unique across FP7, H2020 and Horizon Europe: CORDIS numbers agreements in one
sequence); a project is coordinated by whoever holds its coordinator role, and every project
has one coordinator, so coordinated projects are counted as coordinator participations.
Distinct counts are the costly part of every indicator; these choices halve them. Queries
read the facts through CTEs marked NOT MATERIALIZED: DuckDB would otherwise copy the whole
filtered table once for each time a query refers to it (a third of a breakdown's time).
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


MEASURES = (
    Measure("participations", "count(*)", "Participations"),
    Measure(
        "funded_participations",
        "count(*) FILTER (WHERE funded)",
        "Funded participations (EU contribution above zero)",
    ),
    Measure(
        "unfunded_participations",
        "count(*) FILTER (WHERE NOT funded)",
        "Unfunded participations",
    ),
    Measure("organisations", "count(DISTINCT pic)", "Organisations (unique PICs)"),
    Measure("projects", "count(DISTINCT project_id)", "Projects"),
    Measure(
        "coordinated_projects",
        "count(*) FILTER (WHERE role = 'coordinator')",
        "Projects coordinated",
    ),
    Measure(
        "ec_contribution",
        "COALESCE(sum(ec_contribution), 0)",
        "EU contribution (EUR)",
        money=True,
    ),
    Measure(
        "net_ec_contribution",
        "COALESCE(sum(net_ec_contribution), 0)",
        "Net EU contribution (EUR)",
        money=True,
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


def filled(alias: str, names: tuple[str, ...] = tuple(BY_NAME)) -> str:
    """Each measure from `alias`, zero where the subject has no row."""
    return ",\n       ".join(f"COALESCE({alias}.{name}, 0) AS {name}" for name in names)


def share(numerator: str, denominator: str) -> str:
    """A ratio that is NULL, not an error, when the denominator is zero."""
    return f"CAST({numerator} AS DOUBLE) / NULLIF({denominator}, 0)"


# The programme of a row, `ALL` on the row that totals the programmes.
PROGRAMME = "CASE WHEN grouping(programme) = 1 THEN 'ALL' ELSE programme END AS programme"


def group_by(keys: tuple[str, ...], *, total: bool) -> str:
    """GROUP BY programme and `keys`, with rows over all programmes too when `total`."""
    with_programme = ", ".join(("programme", *keys))
    if not total:
        return f"GROUP BY {with_programme}"
    return f"GROUP BY GROUPING SETS (({with_programme}), ({', '.join(keys)}))"
