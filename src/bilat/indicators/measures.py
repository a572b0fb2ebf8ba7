"""The measures that indicators count, each defined once as an SQL aggregate over the
participation facts (the definition `tally` counts in Arrow, and the tests check it against)
and, where it adds up, as a sum over the aggregate cells.

Every table that reports participations counts them the same way: a participation is funded
when its EU contribution is above zero; a project is counted once by its grant agreement
number (unique across FP7, H2020 and Horizon Europe: CORDIS numbers agreements in one
sequence); a project is coordinated by whoever holds its coordinator role, and every project
has one coordinator, so coordinated projects are counted as coordinator participations.
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
        "sum(ec_contribution)",
        "EU contribution (EUR)",
        money=True,
        cells="sum(ec_contribution)",
    ),
    Measure(
        "net_ec_contribution",
        "sum(net_ec_contribution)",
        "Net EU contribution (EUR)",
        money=True,
        cells="sum(net_ec_contribution)",
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


# The programme of a row, `ALL` on the row that totals the programmes.
PROGRAMME = "CASE WHEN grouping(programme) = 1 THEN 'ALL' ELSE programme END AS programme"


def group_by(keys: tuple[str, ...], *, total: bool) -> str:
    """GROUP BY programme and `keys`, with rows over all programmes too when `total`."""
    with_programme = ", ".join(("programme", *keys))
    if not total:
        return f"GROUP BY {with_programme}"
    return f"GROUP BY GROUPING SETS (({with_programme}), ({', '.join(keys)}))"
