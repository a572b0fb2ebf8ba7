"""Headline figures and yearly series of a country's participation, with its share of each
programme's total."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from bilat.indicators import caveats, everyone, tally
from bilat.indicators.coverage import barely_begun, begun_only, coverage
from bilat.indicators.measures import ADDITIVE, BY_NAME, cell_sums
from bilat.indicators.registry import indicator
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

# Programmes in time order (the ALL row after them).
ORDER = {"FP7": 1, "H2020": 2, "HE": 3}


def rank(programme: object) -> int:
    """A programme's place in time order; anything else (the ALL row) after them."""
    return ORDER.get(str(programme), len(ORDER) + 1)


# The first year of each programme, for comparing programmes year by year.
FIRST_YEAR = {"FP7": 2007, "H2020": 2014, "HE": 2021}


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
    the masks), the subject's from its own rows of the facts, counted in Arrow."""
    where, params = scope.where()
    total = len(scope.programmes) > 1
    names = tuple(BY_NAME)
    sums = warehouse.arrow(
        f"""SELECT programme, {cell_sums(ADDITIVE)} FROM {scope.cells("aggregate_cells")}
        WHERE {where} GROUP BY programme""",
        params,
    )
    if total:
        sums = tally.with_all(sums, (), ADDITIVE)
    reached, reach_params = everyone.reach(warehouse, scope, total=total)
    reach = {row["programme"]: row for row in warehouse.arrow(reached, reach_params).to_pylist()}
    programmes = sorted(sums["programme"].to_pylist(), key=rank)
    everyone_rows = {row["programme"]: row for row in sums.to_pylist()}
    for programme, row in everyone_rows.items():
        found = reach.get(programme, {})
        row["organisations"] = found.get("organisations") or 0
        row["projects"] = found.get("projects") or 0
    rows = tally.subject_rows(warehouse, scope, tally.columns(names))
    mine = tally.filled(
        [(p,) for p in programmes], tally.tally(rows, {}, names, total=total), ("programme",), names
    )
    columns: dict[str, pa.Array] = {"programme": pa.array(programmes, pa.string())} | mine
    for name in names:
        columns[f"share_{name}"] = tally.ratios(
            mine[name].to_pylist(), [everyone_rows[p][name] for p in programmes]
        )
    # A programme whose years under the filter have all barely begun has no figures yet
    # (the series' rule): missing, with the reason in the metadata, not 0.
    cover = coverage(warehouse)
    f = scope.filters
    begun = {
        p for p in programmes if p in ORDER and begun_only(cover.get(p), f.year_from, f.year_to)
    }
    if not begun:
        return pa.table(columns)
    unknown = [
        p in begun or (p == "ALL" and set(ORDER) & set(programmes) <= begun) for p in programmes
    ]
    table = _missing(pa.table(columns), pa.array(unknown, pa.bool_()))
    return table.replace_schema_metadata({"missing": barely_begun(cover, scope)})


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
    names = tuple(BY_NAME)
    everyone_rows = warehouse.arrow(
        f"""SELECT programme, year, any_value(year_basis) AS year_basis,
                   {cell_sums(("participations", "ec_contribution"))}
            FROM {scope.cells("aggregate_cells")} WHERE {where} AND year IS NOT NULL
            GROUP BY programme, year""",
        params,
    ).to_pylist()
    everyone_rows.sort(key=lambda r: (rank(r["programme"]), r["year"]))
    wanted = [(r["programme"], r["year"]) for r in everyone_rows]
    rows = tally.subject_rows(warehouse, scope, tally.columns(names, "year"))
    rows = rows.filter(pc.is_valid(rows["year"]))
    mine = tally.filled(
        wanted, tally.tally(rows, {"year": rows["year"]}, names), ("programme", "year"), names
    )
    table = pa.table(
        {
            "programme": pa.array([p for p, _ in wanted], pa.string()),
            "year": pa.array([y for _, y in wanted], pa.int64()),
            "year_basis": pa.array([r["year_basis"] for r in everyone_rows], pa.string()),
            "programme_year": pa.array([y - FIRST_YEAR[p] + 1 for p, y in wanted], pa.int64()),
        }
        | mine
        | {
            f"share_{name}": tally.ratios(mine[name].to_pylist(), [r[name] for r in everyone_rows])
            for name in ("participations", "ec_contribution")
        }
    )
    # Years still being signed at the snapshot date are marked, so that no chart or reader
    # takes the last years' low counts for a collapse.
    cover = coverage(warehouse)
    complete = pa.array([not cover.is_incomplete(p, year) for p, year in wanted], pa.bool_())
    begun = pa.array([cover.just_begun(p, year) for p, year in wanted], pa.bool_())
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
