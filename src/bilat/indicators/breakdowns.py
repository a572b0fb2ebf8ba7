"""A country's participation broken down by one dimension: role, organisation type, SME
status, programme part, scheme group and scheme, year, field of science, US state.

Each breakdown is the same query over a different key, so they are declared as data: the key
columns, an optional join (fields of science), and the titles that make codes readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from bilat.cordis import schemes
from bilat.cordis.reference import rows
from bilat.cordis.roles import ACTIVITY_TYPES, ROLE_TITLES
from bilat.errors import ParameterError
from bilat.formatting import titled
from bilat.indicators import caveats
from bilat.indicators.measures import (
    BREAKDOWN,
    PROGRAMME,
    cell_sums,
    group_by,
    measured,
    share,
)
from bilat.indicators.participation import ORDER_PROGRAMME
from bilat.indicators.registry import Indicator, indicator
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse


def _fields_join(*levels: str) -> str:
    """Each participation once per distinct field (at these levels) of its project: the top
    level from the table ingest keeps of it (`aggregate_project_level1`), two levels from
    `project_field_levels`, which is distinct on both."""
    source = "project_field_levels"
    if levels == ("level1",):
        source = "aggregate_project_level1"
    elif len(levels) == 1:
        source = f"(SELECT DISTINCT programme, project_id, {levels[0]} FROM {source})"
    return f"LEFT JOIN {source} x USING (programme, project_id)"


@dataclass(frozen=True)
class Dimension:
    """The key columns of a breakdown (name -> SQL over participation facts)."""

    keys: dict[str, str]
    join: str = ""
    only: str = "true"  # rows the breakdown is about (the US for states)
    # The aggregate table holding everyone's participations per key (bilat.warehouse.aggregates);
    # None where everyone is the subject's own rows (US states), read from the facts.
    cells: str | None = "aggregate_cells"
    titles: dict[str, str] = field(default_factory=dict)  # titles of the first key's values
    title_column: str = "title"


def breakdown(
    warehouse: Warehouse, scope: Scope, dimension: Dimension, *, compare: bool = True
) -> pa.Table:
    """The subject's measures per key value, its share of its own total (`share`) and, when
    `compare`, its share of everyone's participations with that key (`programme_share`)."""
    where, params = scope.where()
    subject, more = scope.subject.where()
    total = len(scope.programmes) > 1
    keys = tuple(dimension.keys)
    selected = ", ".join(f"{sql} AS {name}" for name, sql in dimension.keys.items())
    on = " AND ".join(
        ["m.programme = e.programme"] + [f"m.{k} IS NOT DISTINCT FROM e.{k}" for k in keys]
    )
    if dimension.cells is None:
        everyone = f"""SELECT {PROGRAMME}, {", ".join(keys)}, count(*) AS participations
            FROM (SELECT {selected}, f.* FROM participation_facts f {dimension.join}
                  WHERE {where} AND {dimension.only})
            {group_by(keys, total=total)}"""
    else:
        everyone = f"""SELECT {PROGRAMME}, {", ".join(keys)},
                   {cell_sums(("participations",))}
            FROM (SELECT {selected}, c.* FROM {scope.cells(dimension.cells)} c WHERE {where})
            {group_by(keys, total=total)}"""
    table = warehouse.arrow(
        f"""
        WITH s AS NOT MATERIALIZED (SELECT * FROM participation_facts
                                    WHERE {where} AND {dimension.only} AND {subject}),
        d AS NOT MATERIALIZED (SELECT {selected}, s.* FROM s {dimension.join}),
        everyone AS ({everyone}),
        mine AS ({measured("d", keys, BREAKDOWN, total=total)}),
        totals AS (SELECT {PROGRAMME}, count(*) AS participations FROM s
                   {group_by((), total=total)})
        SELECT m.*, {share("m.participations", "t.participations")} AS share,
               {share("m.participations", "e.participations")} AS programme_share
        FROM mine m JOIN everyone e ON {on} JOIN totals t ON t.programme = m.programme
        ORDER BY {ORDER_PROGRAMME.replace("programme", "m.programme")}, m.participations DESC,
                 {", ".join(f"m.{k}" for k in keys)}
        """,
        params | more,
    )
    if not compare:
        table = table.drop_columns(["programme_share"])
    if dimension.titles:
        first = table.column(keys[0]).to_pylist()
        titles = pa.array([titled(dimension.titles, v) for v in first], pa.string())
        table = table.add_column(len(keys) + 1, dimension.title_column, titles)
    return table


def _register(
    name: str,
    title: str,
    definition: str,
    dimension: Dimension,
    extra: tuple[str, ...] = (),
    *,
    compare: bool = True,
) -> Indicator:
    """Register a breakdown as an indicator called `name`."""

    def compute(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
        if (
            dimension.only != "true"
            and scope.subject.countries
            and ("US" not in scope.subject.countries)
        ):
            raise ParameterError("country", f"{name} is defined for the United States (US) only")
        return breakdown(warehouse, scope, dimension, compare=compare)

    compute.__name__ = name
    return indicator(
        title=title,
        unit="count, EUR and share",
        definition=definition,
        caveats=(caveats.FUNDED, caveats.SHARE, *extra),
    )(compute)


_UNKNOWN = "'unknown'"
by_role = _register(
    "by_role",
    "Participations by role",
    "The country's participations per role in the project (coordinator, participant, "
    "associated partner, third party...).",
    Dimension({"role": f"COALESCE(role, {_UNKNOWN})"}, titles=ROLE_TITLES),
)
by_organisation_type = _register(
    "by_organisation_type",
    "Participations by organisation type",
    "The country's participations per CORDIS activity type of the organisation (higher "
    "education, research organisation, private company, public body, other).",
    Dimension({"organisation_type": f"COALESCE(activity_type, {_UNKNOWN})"}, titles=ACTIVITY_TYPES),
)
by_sme = _register(
    "by_sme",
    "Participations by SME status",
    "The country's participations by whether the organisation declared itself an SME.",
    Dimension(
        {"sme": "CASE sme WHEN true THEN 'SME' WHEN false THEN 'not SME' ELSE 'unknown' END"}
    ),
)
by_programme_part = _register(
    "by_programme_part",
    "Participations by programme part",
    "The country's participations per part of the programme (H2020 societal challenge, HE "
    "cluster, ERC, MSCA...) read from the project's unique legal basis.",
    Dimension(
        {
            "programme_part": f"COALESCE(programme_part, {_UNKNOWN})",
            "pillar": "pillar",
            "programme_part_code": "programme_part_code",
        }
    ),
    ("Projects whose legal basis is not loaded fall under 'unknown'.",),
)
by_scheme_group = _register(
    "by_scheme_group",
    "Participations by funding-scheme group",
    "The country's participations per group of funding schemes (collaborative research, "
    "coordination and support, frontier research, mobility, SMEs and innovation...).",
    Dimension({"scheme_group": f"COALESCE(scheme_group, {_UNKNOWN})"}, titles=schemes.GROUPS),
    (
        "The scheme is read from the project table; without one (Horizon Europe in the bundled "
        "data) every participation falls under 'unknown'.",
    ),
)
by_funding_scheme = _register(
    "by_funding_scheme",
    "Participations by funding scheme",
    "The country's participations per funding scheme (type of action) as CORDIS codes it.",
    Dimension({"funding_scheme": f"COALESCE(funding_scheme, {_UNKNOWN})"}),
    (
        "The scheme is read from the project table; without one every participation falls "
        "under 'unknown'.",
    ),
)
by_start_year = _register(
    "by_start_year",
    "Participations by start year",
    "The country's participations per project start year (call year where no start date is "
    "loaded).",
    Dimension({"year": "year", "year_basis": "year_basis"}),
    (caveats.YEAR,),
)
by_signature_year = _register(
    "by_signature_year",
    "Participations by signature year",
    "The country's participations per year the grant agreement was signed.",
    Dimension({"signature_year": "signature_year"}),
    ("The signature date is read from the project table; without one the year is empty.",),
)
by_field = _register(
    "by_field",
    "Participations by field of science",
    "The country's participations per top-level EuroSciVoc field of science of the project.",
    Dimension(
        {"field": "COALESCE(level1, 'not classified')"},
        join=_fields_join("level1"),
        cells="aggregate_field_cells",
    ),
    (caveats.FIELDS,),
)
by_subfield = _register(
    "by_subfield",
    "Participations by field of science (second level)",
    "The country's participations per second-level EuroSciVoc field of science of the project.",
    Dimension(
        {
            "field": "COALESCE(level1, 'not classified')",
            "subfield": "COALESCE(level2, 'not classified')",
        },
        join=_fields_join("level1", "level2"),
        cells="aggregate_subfield_cells",
    ),
    (caveats.FIELDS,),
)
by_state = _register(
    "by_state",
    "US participations by state",
    "The participations of US organisations per state of the United States.",
    Dimension(
        {"state": f"COALESCE(us_state, {_UNKNOWN})"},
        only="country = 'US'",
        titles={row["code"]: row["name"] for row in rows("us_states")},
        title_column="state_name",
        cells=None,
    ),
    (caveats.STATE,),
    compare=False,
)
