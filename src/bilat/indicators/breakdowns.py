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
import pyarrow.compute as pc

from bilat.cordis import schemes
from bilat.cordis.reference import rows
from bilat.cordis.roles import ACTIVITY_TYPES, ROLE_TITLES
from bilat.errors import ParameterError
from bilat.formatting import titled
from bilat.indicators import caveats, tally
from bilat.indicators.measures import BREAKDOWN, cell_sums
from bilat.indicators.participation import rank
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
class Key:
    """A breakdown's key over one column: the word for a missing value (`fill`) and, for a
    yes/no column, the words of yes and no. Written once, read in two forms: SQL for
    everyone's cells, Arrow for the subject's own rows."""

    column: str
    fill: str | None = None
    words: tuple[str, str] | None = None

    def sql(self) -> str:
        """The key as an SQL expression."""
        value = self.column
        if self.words is not None:
            yes, no = self.words
            value = f"CASE {value} WHEN true THEN '{yes}' WHEN false THEN '{no}' END"
        return value if self.fill is None else f"COALESCE({value}, '{self.fill}')"

    def arrow(self, rows: pa.Table) -> pa.ChunkedArray:
        """The key of each of `rows`."""
        value = rows[self.column]
        if self.words is not None:
            value = pc.if_else(value, *self.words)
        return value if self.fill is None else pc.fill_null(value, self.fill)


@dataclass(frozen=True)
class Dimension:
    """The key columns of a breakdown (name -> key over the participation facts)."""

    keys: dict[str, Key]
    join: str = ""  # a join on the facts `f` adding `more` (the fields of science)
    more: tuple[str, ...] = ()
    only: str | None = None  # the one country the breakdown is about (the US for states)
    # The aggregate table holding everyone's participations per key
    # (bilat.warehouse.aggregates); None where the breakdown is not compared with everyone.
    cells: str | None = "aggregate_cells"
    titles: dict[str, str] = field(default_factory=dict)  # titles of the first key's values
    title_column: str = "title"


def breakdown(warehouse: Warehouse, scope: Scope, dimension: Dimension) -> pa.Table:
    """The subject's measures per key value, its share of its own total (`share`) and, where
    the dimension has cells, its share of everyone's participations with that key
    (`programme_share`)."""
    total = len(scope.programmes) > 1
    keys = tuple(dimension.keys)
    read = [key.column for key in dimension.keys.values() if key.column not in dimension.more]
    columns = tally.columns(BREAKDOWN, *read)
    if dimension.only is not None:
        columns += ("country",)
    if dimension.join:
        facts = tally.subject_rows(
            warehouse, scope, columns, join=dimension.join, more=dimension.more
        )
        own = tally.subject_rows(warehouse, scope, columns[:1])  # the programme
    else:
        facts = own = tally.subject_rows(warehouse, scope, columns)
    if dimension.only is not None:
        facts = own = facts.filter(pc.equal(facts["country"], dimension.only))
    keyed = {name: key.arrow(facts) for name, key in dimension.keys.items()}
    mine = tally.tally(facts, keyed, BREAKDOWN, total=total)
    programmes = mine["programme"].to_pylist()
    counted = mine["participations"].to_pylist()
    totals = tally.counts(own["programme"]) | {"ALL": own.num_rows}
    mine = mine.append_column(
        "share", tally.ratios(counted, [totals.get(p, 0) for p in programmes])
    )
    if dimension.cells is not None:
        everyone = tally.lookup(
            _everyone(warehouse, scope, dimension, total=total),
            ("programme", *keys),
            "participations",
        )
        found = zip(programmes, *(mine[k].to_pylist() for k in keys), strict=True)
        mine = mine.append_column(
            "programme_share",
            tally.ratios(counted, [everyone.get(k, 0) for k in found]),
        )
    table = _sorted(mine, keys)
    if dimension.titles:
        first = table.column(keys[0]).to_pylist()
        titles = pa.array([titled(dimension.titles, v) for v in first], pa.string())
        table = table.add_column(len(keys) + 1, dimension.title_column, titles)
    return table


def _sorted(table: pa.Table, keys: tuple[str, ...]) -> pa.Table:
    """Programmes in time order (ALL last), then the most participations first, then the
    keys, missing last: the order the tables have always had."""
    ranks = [rank(p) for p in table["programme"].to_pylist()]
    by = pa.table(
        {"order": pa.array(ranks, pa.int8()), "participations": table["participations"]}
        | {f"key_{k}": table[k] for k in keys}
    )
    sort = [("order", "ascending"), ("participations", "descending")]
    sort += [(f"key_{k}", "ascending") for k in keys]
    return table.take(pc.sort_indices(by, sort_keys=[(*key, "at_end") for key in sort]))


def _everyone(warehouse: Warehouse, scope: Scope, dimension: Dimension, *, total: bool) -> pa.Table:
    """Everyone's participations per programme (and ALL when `total`) and key, summed over
    the dimension's aggregate cells under the scope's filters."""
    where, params = scope.where()
    keys = tuple(dimension.keys)
    selected = ", ".join(f"{key.sql()} AS {name}" for name, key in dimension.keys.items())
    table = warehouse.arrow(
        f"""SELECT programme, {", ".join(keys)}, {cell_sums(("participations",))}
            FROM (SELECT {selected}, c.* FROM {scope.cells(str(dimension.cells))} c WHERE {where})
            GROUP BY ALL""",
        params,
    )
    return tally.with_all(table, keys, ("participations",)) if total else table


def _register(
    name: str,
    title: str,
    definition: str,
    dimension: Dimension,
    extra: tuple[str, ...] = (),
) -> Indicator:
    """Register a breakdown as an indicator called `name`."""

    def compute(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
        only = dimension.only
        if only is not None and scope.subject.countries and only not in scope.subject.countries:
            raise ParameterError("country", f"{name} is defined for the United States (US) only")
        return breakdown(warehouse, scope, dimension)

    compute.__name__ = name
    return indicator(
        title=title,
        unit="count, EUR and share",
        definition=definition,
        caveats=(caveats.FUNDED, caveats.SHARE, *extra),
    )(compute)


_UNKNOWN = "unknown"
_FIELDS = ("level1", "level2")
by_role = _register(
    "by_role",
    "Participations by role",
    "The country's participations per role in the project (coordinator, participant, "
    "associated partner, third party...).",
    Dimension({"role": Key("role", _UNKNOWN)}, titles=ROLE_TITLES),
)
by_organisation_type = _register(
    "by_organisation_type",
    "Participations by organisation type",
    "The country's participations per CORDIS activity type of the organisation (higher "
    "education, research organisation, private company, public body, other).",
    Dimension({"organisation_type": Key("activity_type", _UNKNOWN)}, titles=ACTIVITY_TYPES),
)
by_sme = _register(
    "by_sme",
    "Participations by SME status",
    "The country's participations by whether the organisation declared itself an SME.",
    Dimension({"sme": Key("sme", _UNKNOWN, ("SME", "not SME"))}),
)
by_programme_part = _register(
    "by_programme_part",
    "Participations by programme part",
    "The country's participations per part of the programme (H2020 societal challenge, HE "
    "cluster, ERC, MSCA...) read from the project's unique legal basis.",
    Dimension(
        {
            "programme_part": Key("programme_part", _UNKNOWN),
            "pillar": Key("pillar"),
            "programme_part_code": Key("programme_part_code"),
        }
    ),
    ("Projects whose legal basis is not loaded fall under 'unknown'.",),
)
by_scheme_group = _register(
    "by_scheme_group",
    "Participations by funding-scheme group",
    "The country's participations per group of funding schemes (collaborative research, "
    "coordination and support, frontier research, mobility, SMEs and innovation...).",
    Dimension({"scheme_group": Key("scheme_group", _UNKNOWN)}, titles=schemes.GROUPS),
    (
        "The scheme is read from the project table; without one (Horizon Europe in the bundled "
        "data) every participation falls under 'unknown'.",
    ),
)
by_funding_scheme = _register(
    "by_funding_scheme",
    "Participations by funding scheme",
    "The country's participations per funding scheme (type of action) as CORDIS codes it.",
    Dimension({"funding_scheme": Key("funding_scheme", _UNKNOWN)}),
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
    Dimension({"year": Key("year"), "year_basis": Key("year_basis")}),
    (caveats.YEAR,),
)
by_signature_year = _register(
    "by_signature_year",
    "Participations by signature year",
    "The country's participations per year the grant agreement was signed.",
    Dimension({"signature_year": Key("signature_year")}),
    ("The signature date is read from the project table; without one the year is empty.",),
)
by_field = _register(
    "by_field",
    "Participations by field of science",
    "The country's participations per top-level EuroSciVoc field of science of the project.",
    Dimension(
        {"field": Key("level1", "not classified")},
        join=_fields_join("level1"),
        more=_FIELDS[:1],
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
            "field": Key("level1", "not classified"),
            "subfield": Key("level2", "not classified"),
        },
        join=_fields_join("level1", "level2"),
        more=_FIELDS,
        cells="aggregate_subfield_cells",
    ),
    (caveats.FIELDS,),
)
by_state = _register(
    "by_state",
    "US participations by state",
    "The participations of US organisations per state of the United States.",
    Dimension(
        {"state": Key("us_state", _UNKNOWN)},
        only="US",
        titles={row["code"]: row["name"] for row in rows("us_states")},
        title_column="state_name",
        cells=None,
    ),
    (caveats.STATE,),
)
