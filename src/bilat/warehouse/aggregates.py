"""The aggregate tables, built at ingest after the derived tables, that indicators read for
everyone's totals instead of scanning every participation.

An indicator compares a country (a few thousand rows, read from `participation_facts`, which
is sorted by country) with everyone under the same filters (every row). The second half is
the costly one, and it does not depend on the country, so it is computed here once:

- `aggregate_cells`: the additive measures (participations, funded, unfunded, coordinator
  participations, EU contribution) per combination of the seven filter columns and the
  attributes the breakdowns group by (a few thousand cells for half a million rows). Every
  filter is a condition on a column of the same name, so an indicator applies the very same
  WHERE clause to the cells and sums them.
- `aggregate_country_cells`: the same sums per programme, filter columns, country and its
  status (about a quarter of the facts' rows), from which the peer benchmark ranks every
  country without reading every participation; `aggregate_country_years`: the same per
  programme and year only, for filters on nothing else.
- `aggregate_field_cells`, `aggregate_subfield_cells`: participations per field of science,
  each participation once per distinct field of its project, as the breakdowns count them;
  `aggregate_field_years`, `aggregate_subfield_years`: the same per programme and year only,
  for filters on nothing else; `aggregate_project_level1`: each project's distinct top-level
  fields.
- `aggregate_reach` and `aggregate_bits`: distinct organisations and projects, which cannot be
  summed over cells. For each programme, all programmes together (`ALL`) and each filter
  column, every organisation (project) gets a bit mask of the values it was seen with (bit
  numbers in `aggregate_bits`);
  the organisations reached by a filter on that column are those whose mask meets the mask of
  the filter's values, so `sum(n)` over the matching masks is the exact distinct count. A
  filter on two columns at once cannot be answered from per-column masks: the indicator then
  counts on the facts (`bilat.indicators.reach` decides).

Nothing here changes a figure: the tests compare every indicator computed from these tables
with the same indicator computed from the facts.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from bilat.warehouse import members
from bilat.warehouse.sql import run

# The filter columns besides the programme (indicators.filters declares the filters).
FILTER_COLUMNS = ("year", "programme_part_code", "scheme_group", "role", "activity_type")
# Masks are BIGINT (64 bits, one kept for the sign): a column with more distinct values
# than this gets no masks, and its filters are counted on the facts.
MASK_BITS = 63

_SUMS = """count(*) AS participations,
       count(*) FILTER (WHERE funded) AS funded_participations,
       count(*) FILTER (WHERE NOT funded) AS unfunded_participations,
       count(*) FILTER (WHERE role = 'coordinator') AS coordinated_projects,
       sum(ec_contribution) AS ec_contribution,
       sum(net_ec_contribution) AS net_ec_contribution"""

_CELLS = f"""
CREATE OR REPLACE TABLE aggregate_cells AS
SELECT programme, year, year_basis, signature_year, programme_part_code, programme_part, pillar,
       scheme_group, funding_scheme, role, activity_type, sme, {_SUMS}
FROM participation_facts GROUP BY ALL
"""

# The sums per country under the filters (the benchmark ranks every third country).
_COUNTRY_CELLS = f"""
CREATE OR REPLACE TABLE aggregate_country_cells AS
SELECT programme, year, programme_part_code, scheme_group, role, activity_type, country,
       country_status, {_SUMS}
FROM participation_facts WHERE country IS NOT NULL GROUP BY ALL
"""

# The same sums per programme, year, country and status only: what the peer benchmark reads
# when the filters restrict nothing but the programme and the years (a profile's first view),
# two thousand rows at full scale instead of a hundred thousand cells (half its query time).
_COUNTRY_YEARS = """
CREATE OR REPLACE TABLE aggregate_country_years AS
SELECT programme, year, country, country_status,
       CAST(sum(participations) AS BIGINT) AS participations,
       CAST(sum(funded_participations) AS BIGINT) AS funded_participations,
       CAST(sum(unfunded_participations) AS BIGINT) AS unfunded_participations,
       CAST(sum(coordinated_projects) AS BIGINT) AS coordinated_projects,
       sum(ec_contribution) AS ec_contribution, sum(net_ec_contribution) AS net_ec_contribution
FROM aggregate_country_cells GROUP BY ALL
"""

# Participations per project and filter cell: what the field cells and the projects' masks
# are made from (half the rows of the facts; a project's year, part and scheme are its own).
_PROJECT_CELLS = """
CREATE OR REPLACE TEMP TABLE aggregate_project_cells AS
SELECT programme, project_id, year, programme_part_code, scheme_group, role, activity_type,
       count(*) AS participations
FROM participation_facts GROUP BY ALL
"""

# Each project's distinct top-level fields, which the breakdown by field joins to the
# country's participations (otherwise a DISTINCT over every project's fields at each query).
_PROJECT_LEVEL1 = """
CREATE OR REPLACE TABLE aggregate_project_level1 AS
SELECT DISTINCT programme, project_id, level1 FROM project_field_levels
ORDER BY programme, project_id
"""

_FIELD_CELLS = """
CREATE OR REPLACE TABLE aggregate_{name}_cells AS
SELECT p.programme, p.year, p.programme_part_code, p.scheme_group, p.role, p.activity_type,
       {levels}, CAST(sum(p.participations) AS BIGINT) AS participations
FROM aggregate_project_cells p LEFT JOIN {source} x USING (programme, project_id)
GROUP BY ALL
"""

# The same participations per programme and year only: what a breakdown by field reads when
# the filters restrict nothing but the programme and the years (a profile's first view, its
# programme and years filters), a few thousand rows instead of the cells of every filter
# column (the subfields' cells are a third as many rows as the facts).
_FIELD_YEARS = """
CREATE OR REPLACE TABLE aggregate_{name}_years AS
SELECT programme, year, {levels}, CAST(sum(participations) AS BIGINT) AS participations
FROM aggregate_{name}_cells GROUP BY ALL
"""
# The coarse table of each aggregate table that has one.
_BY_YEAR = {
    "aggregate_country_cells": "aggregate_country_years",
    "aggregate_field_cells": "aggregate_field_years",
    "aggregate_subfield_cells": "aggregate_subfield_years",
}

# Each entity's masks (per programme and for all programmes together), one row per filter
# column after the UNPIVOT, counted per mask and written in the order the indicators read
# them: one statement instead of a table per entity, five inserts each and a sorted copy.
_REACH = """
INSERT INTO aggregate_reach
SELECT programmes, entity, dimension, mask, count(*) AS n
FROM ({per_pic} UNION ALL {per_project}) UNPIVOT (mask FOR dimension IN ({columns}))
GROUP BY ALL ORDER BY dimension, programmes, entity, mask
"""
_PER_ENTITY = """
SELECT '{entity}' AS entity,
       CASE WHEN grouping(programme) = 1 THEN 'ALL' ELSE programme END AS programmes, {masks}
FROM {source} WHERE {entity} IS NOT NULL
GROUP BY GROUPING SETS ((programme, {entity}), ({entity}))
"""


# Each aggregate table as one cell per participation, keeping the project: what a filter on a
# project's own attributes (its fields of science, which the cells do not carry) is applied to.
# The same columns and the same sums as the tables, so an indicator reads either alike.
_PER_PARTICIPATION = {
    "aggregate_cells": """(SELECT *, 1 AS participations,
        CAST(COALESCE(funded, false) AS INTEGER) AS funded_participations,
        CAST(COALESCE(NOT funded, false) AS INTEGER) AS unfunded_participations,
        CAST(COALESCE(role = 'coordinator', false) AS INTEGER) AS coordinated_projects
        FROM participation_facts)""",
    "aggregate_country_cells": """(SELECT *, 1 AS participations,
        CAST(COALESCE(funded, false) AS INTEGER) AS funded_participations,
        CAST(COALESCE(NOT funded, false) AS INTEGER) AS unfunded_participations,
        CAST(COALESCE(role = 'coordinator', false) AS INTEGER) AS coordinated_projects
        FROM participation_facts WHERE country IS NOT NULL)""",
    "aggregate_field_cells": """(SELECT f.*, 1 AS participations, x.level1
        FROM participation_facts f LEFT JOIN
             (SELECT DISTINCT programme, project_id, level1 FROM project_field_levels) x
             USING (programme, project_id))""",
    "aggregate_subfield_cells": """(SELECT f.*, 1 AS participations, x.level1, x.level2
        FROM participation_facts f LEFT JOIN project_field_levels x
             USING (programme, project_id))""",
}


def cells(table: str, *, per_project: bool, by_year: bool = False) -> str:
    """The aggregate table `table`; when the filters name projects (`per_project`), the
    same cells made one per participation so that a condition on `project_id` applies; when
    they restrict only the programme and the years (`by_year`), its coarse table if it has
    one (the sums are the same)."""
    if per_project:
        return _PER_PARTICIPATION[table]
    return _BY_YEAR.get(table, table) if by_year else table


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every aggregate table and `project_members` from `participation_facts` and
    the field levels: the `PARTS`, one after the other."""
    for part in PARTS:
        part(con)


def sums_and_members(con: duckdb.DuckDBPyConnection) -> None:
    """The additive cells, everyone's and each country's, and `project_members`: one of the
    `PARTS`."""
    run(con, _CELLS)
    run(con, _COUNTRY_CELLS)
    run(con, _COUNTRY_YEARS)
    members.build(con)


def fields_and_reach(con: duckdb.DuckDBPyConnection) -> None:
    """The cells by field of science, and the distinct organisations and projects: one of the
    `PARTS`."""
    run(con, _PROJECT_CELLS)
    run(con, _PROJECT_LEVEL1)
    run(
        con,
        _FIELD_CELLS.format(name="field", levels="x.level1", source="aggregate_project_level1"),
    )
    run(
        con,
        _FIELD_CELLS.format(
            name="subfield", levels="x.level1, x.level2", source="project_field_levels"
        ),
    )
    run(con, _FIELD_YEARS.format(name="field", levels="level1"))
    run(con, _FIELD_YEARS.format(name="subfield", levels="level1, level2"))
    _reach(con)
    run(con, "DROP TABLE aggregate_project_cells")


def _reach(con: duckdb.DuckDBPyConnection) -> None:
    """Distinct organisations and projects per programme (and all programmes together, the
    `ALL` row), filter column and mask; the bit numbers of each column's values (the values
    of the facts, as in `aggregate_cells`, which the other chain is building)."""
    values = {
        column: [
            value
            for (value,) in run(
                con,
                f"SELECT DISTINCT CAST({column} AS VARCHAR) FROM participation_facts "
                f"WHERE {column} IS NOT NULL ORDER BY 1",
            )
        ]
        for column in FILTER_COLUMNS
    }
    # A column with too many values for a mask is left out: its filters count on the facts.
    masked = [column for column in FILTER_COLUMNS if len(values[column]) <= MASK_BITS]
    con.register(
        "aggregate_new_bits",
        pa.table(
            {
                "dimension": pa.array([c for c in masked for _ in values[c]], pa.string()),
                "value": pa.array([v for c in masked for v in values[c]], pa.string()),
                "bit": pa.array([b for c in masked for b in range(len(values[c]))], pa.int32()),
            }
        ),
    )
    run(con, "CREATE OR REPLACE TABLE aggregate_bits AS SELECT * FROM aggregate_new_bits")
    con.unregister("aggregate_new_bits")
    run(
        con,
        """CREATE OR REPLACE TABLE aggregate_reach (
               programmes VARCHAR, entity VARCHAR, dimension VARCHAR, mask BIGINT, n BIGINT)""",
    )
    if not masked:
        return
    # Each row's bit: its value's place in the column's list (none where the value is missing).
    masks = ", ".join(
        f"COALESCE(bit_or(1::BIGINT << (list_position(${c}, CAST({c} AS VARCHAR)) - 1)), 0) AS {c}"
        for c in masked
    )
    per_pic = _PER_ENTITY.format(entity="pic", masks=masks, source="participation_facts")
    per_project = _PER_ENTITY.format(
        entity="project_id", masks=masks, source="aggregate_project_cells"
    )
    run(
        con,
        _REACH.format(per_pic=per_pic, per_project=per_project, columns=", ".join(masked)),
        {c: values[c] for c in masked},
    )


# The two halves of `build`, which read only the facts and the field levels and write tables
# of their own: the ingest runs them side by side with the partner index (`derive.rebuild`),
# three steps that keep both cores busy more of the time than two (each statement alone
# leaves a core idle in its final merge and its writing). Each keeps its temporary table on
# its own cursor, where the other cannot see it.
PARTS: tuple[Callable[[duckdb.DuckDBPyConnection], None], ...] = (
    fields_and_reach,
    sums_and_members,
)
