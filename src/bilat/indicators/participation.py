"""Headline figures and yearly series of a country's participation, with its share of each
programme's total."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from bilat.indicators import caveats, everyone
from bilat.indicators.coverage import coverage
from bilat.indicators.measures import (
    ADDITIVE,
    BY_NAME,
    PROGRAMME,
    cell_sums,
    filled,
    group_by,
    measured,
    share,
)
from bilat.indicators.registry import indicator
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

# Programmes in time order (the ALL row after them), as a rank and in SQL.
ORDER = {"FP7": 1, "H2020": 2, "HE": 3}
ORDER_PROGRAMME = (
    f"CASE programme {' '.join(f'WHEN {p!r} THEN {n}' for p, n in ORDER.items())} "
    f"ELSE {len(ORDER) + 1} END"
)
# The first year of each programme, for comparing programmes year by year.
FIRST_YEAR = {"FP7": 2007, "H2020": 2014, "HE": 2021}


def _shares(mine: str, everyone: str, names: tuple[str, ...]) -> str:
    return ",\n       ".join(
        f"{share(f'COALESCE({mine}.{name}, 0)', f'{everyone}.{name}')} AS share_{name}"
        for name in names
    )


@indicator(
    title="Headline figures",
    unit="count, EUR and share",
    definition=(
        "Participations (all, funded, unfunded), unique organisations, projects, projects "
        "coordinated and EU contribution of the country's organisations, with the country's "
        "share of the programme's total for each."
    ),
    caveats=(caveats.SIGNED_ONLY, caveats.FUNDED, caveats.AMOUNTS, caveats.COUNTRY, caveats.SHARE),
)
def headline(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """One row per programme (and ALL when several), every measure and its share.

    Everyone's figures come from the aggregate tables (sums over cells, distinct counts from
    the masks), the subject's from its own rows of the facts."""
    where, params = scope.where()
    subject, more = scope.subject.where()
    total = len(scope.programmes) > 1
    names = tuple(BY_NAME)
    reached, reach_params = everyone.reach(warehouse, scope, total=total)
    return warehouse.arrow(
        f"""
        WITH sums AS (SELECT {PROGRAMME}, {cell_sums(ADDITIVE)}
                      FROM {scope.cells('aggregate_cells')}
                      WHERE {where} {group_by((), total=total)}),
        reach AS ({reached}),
        everyone AS (SELECT s.*, COALESCE(r.organisations, 0) AS organisations,
                            COALESCE(r.projects, 0) AS projects
                     FROM sums s LEFT JOIN reach r USING (programme)),
        s AS NOT MATERIALIZED (SELECT * FROM participation_facts
                               WHERE {where} AND {subject}),
        mine AS ({measured("s", (), names, total=total)})
        SELECT e.programme, {filled("m")}, {_shares("m", "e", names)}
        FROM everyone e LEFT JOIN mine m USING (programme)
        ORDER BY {ORDER_PROGRAMME}
        """,
        params | more | reach_params,
    )


@indicator(
    title="Series per programme and year",
    unit="count, EUR and share",
    definition=(
        "The headline figures of each programme year by year, with the country's share of "
        "that year's participations and EU contribution, and the year's rank within its "
        "programme (programme_year 1 = 2007 for FP7, 2014 for H2020, 2021 for HE). The "
        "figures of a year still being signed (complete false) are missing, not 0, where the "
        "country has no participation loaded yet, and for every country where the year has "
        "barely begun (fewer participations loaded in all than a tenth of the programme's "
        "smallest complete year)."
    ),
    caveats=(caveats.YEAR, caveats.FUNDED, caveats.SHARE),
)
def series(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """One row per programme and year in which anyone took part."""
    where, params = scope.where()
    subject, more = scope.subject.where()
    first_year = " ".join(f"WHEN '{p}' THEN {year}" for p, year in FIRST_YEAR.items())
    table = warehouse.arrow(
        f"""
        WITH everyone AS (SELECT programme, year, any_value(year_basis) AS year_basis,
                                 {cell_sums(("participations", "ec_contribution"))}
                          FROM {scope.cells('aggregate_cells')} WHERE {where} AND year IS NOT NULL
                          GROUP BY programme, year),
        s AS NOT MATERIALIZED (SELECT * FROM participation_facts
                               WHERE {where} AND year IS NOT NULL AND {subject}),
        mine AS ({measured("s", ("year",), tuple(BY_NAME))})
        SELECT e.programme, e.year, e.year_basis,
               e.year - CASE e.programme {first_year} END + 1 AS programme_year,
               {filled("m")},
               {_shares("m", "e", ("participations", "ec_contribution"))}
        FROM everyone e LEFT JOIN mine m USING (programme, year)
        ORDER BY {ORDER_PROGRAMME}, e.year
        """,
        params | more,
    )
    # Years still being signed at the snapshot date are marked, so that no chart or reader
    # takes the last years' low counts for a collapse.
    cover = coverage(warehouse)
    years = list(zip(table["programme"].to_pylist(), table["year"].to_pylist(), strict=True))
    complete = pa.array([not cover.is_incomplete(p, year) for p, year in years], pa.bool_())
    begun = pa.array([cover.just_begun(p, year) for p, year in years], pa.bool_())
    unknown = pc.or_(begun, pc.and_(pc.invert(complete), pc.equal(table["participations"], 0)))
    return _missing(table, unknown).append_column("complete", complete)


def _missing(table: pa.Table, unknown: pa.Array) -> pa.Table:
    """The figures of the `unknown` rows missing rather than a number: a year still being
    signed in which the subject has no participation loaded yet (its grants may simply not be
    published yet), and a year barely begun (call year 2024 over a June 2024 organisation
    table holds 12 participations in all: any figure of it would read as a collapse)."""
    if not pc.any(unknown).as_py():
        return table
    for position, name in enumerate(table.column_names):
        if name in BY_NAME or name.startswith("share_"):
            column = table.column(name)
            missing = pa.nulls(len(column), column.type)
            table = table.set_column(position, name, pc.if_else(unknown, missing, column))
    return table
