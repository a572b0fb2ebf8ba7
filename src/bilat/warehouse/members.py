"""`project_members`: every project's participations as one row of lists, built at ingest, that
the partner and network indicators read for the projects of a country.

Those indicators need every participation of the subject's projects (about 78,000 rows for the
US at full scale). Picking them out of `participation_facts` probes all its rows against the
subject's project numbers and hands DuckDB a large query to plan; reading one row per project
(a sixth of the rows) and returning narrow lists is several times quicker, and the indicators
then count in Arrow and numpy (`bilat.indicators.inside`). Countries and statuses are stored
as ENUMs, which reach Arrow as dictionary indices instead of strings; EU contributions as whole
cents (exact: the facts keep two decimals). Within a project the participations are listed by
country then PIC, so that the rows of one organisation and country in a project are adjacent.
"""

from __future__ import annotations

import duckdb

from bilat.warehouse.sql import run


def _enum(con: duckdb.DuckDBPyConnection, column: str) -> str:
    """An ENUM type of the column's values in the facts, in sorted order."""
    values = [
        str(value)
        for (value,) in run(
            con,
            f"SELECT DISTINCT {column} FROM participation_facts "
            f"WHERE {column} IS NOT NULL ORDER BY 1",
        )
    ]
    if not values:
        return "VARCHAR"
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"ENUM({quoted})"


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute `project_members` from `participation_facts`, ordered by project. The rows
    of a project are gathered as structs, sorted once with `list_sort`, then split into one
    list per column: sorting each list on its own took twice as long, and an ordered
    aggregate (`list(... ORDER BY ...)`) half as long again as `list_sort`. The struct's
    fields are the order (country, PIC, cents, then the status); structs equal in the first
    three are equal in all four (a country's status is the same within a project), and NULL
    fields sort last as in ORDER BY, so the lists are those of `ORDER BY country, pic,
    ec_contribution`."""
    country, status = _enum(con, "country"), _enum(con, "country_status")
    run(
        con,
        f"""CREATE OR REPLACE TABLE project_members AS
            SELECT project_id, programme, [m.pic FOR m IN rows] AS pics,
                   [m.country FOR m IN rows] AS countries,
                   [m.status FOR m IN rows] AS statuses, [m.cents FOR m IN rows] AS cents
            FROM (SELECT project_id, any_value(programme) AS programme,
                         list_sort(list({{'country': CAST(country AS {country}), 'pic': pic,
                                          'cents': CAST(ec_contribution * 100 AS BIGINT),
                                          'status': CAST(country_status AS {status})}}))
                             AS rows
                  FROM participation_facts GROUP BY project_id)
            ORDER BY project_id""",
    )
