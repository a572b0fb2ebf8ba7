"""Filterable, sortable, paginated tables of participations and projects, with facet counts.

The explore pages, the API and the exports all call `listing()`: the same filters as the
indicators (checked by `bilat.indicators.scope`), plus an optional country, a text search, a
sort column and a page. Facets count the rows under the current filters for each facet
column, the way Datasette does, so that every count is one click from its filtered view.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from bilat.cordis import reference
from bilat.errors import ParameterError
from bilat.indicators import filters
from bilat.indicators.numbers import page_number
from bilat.indicators.scope import Scope, resolve
from bilat.warehouse.store import Warehouse

PAGE_SIZE = 50
# Longest search taken (words are matched one by one, each in several tables).
MAX_SEARCH = 200
EXPORT_LIMIT = 1_000_000
# Rows read and written at a time when an export is streamed.
EXPORT_BATCH = 10_000


@dataclass(frozen=True)
class Table:
    """A listable table: its columns, which have facets, the default sort, what `q` searches,
    and the columns a page shows (`shown`: a page of 1,366 pixels holds about ten; downloads
    and the API give every column)."""

    name: str
    columns: tuple[str, ...]
    facets: tuple[str, ...]
    default_sort: str
    search: tuple[str, ...]
    shown: tuple[str, ...]


PARTICIPATIONS = Table(
    name="participations",
    columns=(
        "programme",
        "project_id",
        "acronym",
        "year",
        "programme_part",
        "scheme_group",
        "pic",
        "name",
        "country",
        "city",
        "us_state",
        "role",
        "activity_type",
        "sme",
        "ec_contribution",
        "net_ec_contribution",
    ),
    facets=(
        "programme",
        "country",
        "us_state",
        "role",
        "activity_type",
        "programme_part",
        "scheme_group",
        "year",
    ),
    default_sort="-ec_contribution",
    search=("name", "acronym"),
    shown=(
        "programme",
        "project_id",
        "acronym",
        "year",
        "programme_part",
        "name",
        "country",
        "us_state",
        "role",
        "activity_type",
        "ec_contribution",
    ),
)
PROJECTS = Table(
    name="projects",
    columns=(
        "programme",
        "project_id",
        "acronym",
        "title",
        "year",
        "programme_part",
        "scheme_group",
        "funding_scheme",
        "participations",
        "organisations",
        "ec_max_contribution",
        "total_cost",
    ),
    facets=("programme", "programme_part", "scheme_group", "year"),
    default_sort="-participations",
    search=("acronym", "title"),
    shown=(
        "programme",
        "project_id",
        "acronym",
        "title",
        "year",
        "programme_part",
        "funding_scheme",
        "participations",
        "organisations",
        "ec_max_contribution",
    ),
)
_ORGANISATION_COLUMNS = (
    "pic",
    "name",
    "country",
    "city",
    "us_state",
    "activity_type",
    "participations",
    "projects",
    "coordinated_projects",
    "ec_contribution",
)
ORGANISATIONS = Table(
    name="organisations",
    columns=_ORGANISATION_COLUMNS,
    facets=("country", "us_state", "activity_type"),
    default_sort="-participations",
    search=("name", "city"),
    shown=_ORGANISATION_COLUMNS[1:],  # every column but the PIC, which the name links to
)
TABLES = {table.name: table for table in (PARTICIPATIONS, PROJECTS, ORGANISATIONS)}

# Organisations are aggregated from their participations under the filters.
_ORGANISATION_ROWS = """SELECT pic, arg_max(name, year) AS name, arg_max(country, year) AS country,
       arg_max(city, year) AS city, arg_max(us_state, year) AS us_state,
       arg_max(activity_type, year) AS activity_type, count(*) AS participations,
       count(DISTINCT project_id) AS projects,
       count(DISTINCT project_id) FILTER (WHERE role = 'coordinator')
           AS coordinated_projects,
       sum(ec_contribution) AS ec_contribution
FROM participation_facts WHERE {where} AND pic IS NOT NULL GROUP BY pic"""

# Facet values as filter parameters: which query parameter a click on a value sets.
FACET_PARAMETER = {
    "programme": "programme",
    "country": "country",
    "role": "role",
    "activity_type": "organisation_type",
    "programme_part": "programme_part",
    "scheme_group": "scheme_group",
    "year": "years",
    "us_state": "us_state",
    "field": "field",
}
# Tables whose rows belong to projects, which have the field-of-science facet.
FIELD_FACET = ("participations", "projects")
# What a search matches besides the table's own columns: the themes of a row's project (its
# topic titles, legal-basis titles and EuroSciVoc field paths with every ancestor's name).
_THEMES = """(programme, project_id) IN (
    SELECT programme, project_id FROM project_topics WHERE title ILIKE ${word}
    UNION SELECT programme, project_id FROM project_legal_basis WHERE title ILIKE ${word}
    UNION SELECT programme, project_id FROM project_fields WHERE path ILIKE ${word})"""


@dataclass(frozen=True)
class Page:
    """One page of a listing with the total count and the facet counts."""

    table: Table
    rows: pa.Table
    total: int
    page: int
    pages: int
    sort: str
    facets: dict[str, list[tuple[object, int]]]

    def visible(self) -> list[str]:
        """The columns a page shows: the table's `shown` columns that hold a value on this
        page and differ from row to row (a facet with one value, such as the programme when
        one is loaded, says nothing the filters do not), and always the column the rows are
        sorted by (never sorted by a hidden one)."""
        sort = self.sort.removeprefix("-")
        constant = {column for column, values in self.facets.items() if len(values) == 1}
        return [
            column
            for column in self.table.columns
            if column == sort
            or (
                column in self.table.shown
                and column not in constant
                and self.rows.column(column).null_count < len(self.rows)
            )
        ]


@dataclass(frozen=True)
class Query:
    """A checked listing request: the scope, whether a country was asked, search and sort."""

    table: Table
    scope: Scope
    by_country: bool
    search: str
    sort: str
    states: tuple[str, ...] = ()  # US states (codes) the participations are in

    def relation(self) -> tuple[str, dict[str, object]]:
        """The listed rows with every filter applied, as a parenthesised SELECT."""
        search, found = self._searched()
        if self.table is PROJECTS:
            condition, params = self.scope.filters.project_condition()
            people, others = self._people()
            if self.by_country or self.states:
                condition += f""" AND (programme, project_id) IN (
                    SELECT programme, project_id FROM participation_facts WHERE {people})"""
                params = params | others
            # Projects known only from a topics or legal-basis table (a programme whose
            # participations are not loaded, or calls newer than its organization table) are
            # not listed as projects without participants.
            condition += " AND COALESCE(participations, 0) > 0"
            rows = f"SELECT * FROM projects WHERE {condition} AND {search}"
        else:
            condition, params = self.scope.filters.project_condition()
            people, others = self._people()
            condition = f"{condition} AND {people} AND {search}"
            params = params | others
            rows = f"SELECT * FROM participation_facts WHERE {condition}"
            if self.table is ORGANISATIONS:
                rows = _ORGANISATION_ROWS.format(where=condition)
        return f"({rows})", params | found

    def _people(self) -> tuple[str, dict[str, object]]:
        """Conditions on the participations: role, type, the country asked, the states."""
        condition, params = self.scope.filters.participation_condition()
        if self.by_country:
            subject, more = self.scope.subject.condition()
            condition, params = f"{condition} AND {subject}", params | more
        if self.states:
            condition += " AND COALESCE(list_contains($states, us_state), false)"
            params = params | {"states": list(self.states)}
        return condition, params

    def _searched(self) -> tuple[str, dict[str, object]]:
        """The search as a condition on the listed rows: every word of it in one of the
        table's search columns or in a theme of the row's project."""
        words = self.search.split()
        conditions = []
        for number in range(len(words)):
            own = [f"{column} ILIKE $word{number}" for column in self.table.search]
            conditions.append("(" + " OR ".join([*own, _THEMES.format(word=f"word{number}")]) + ")")
        params: dict[str, object] = {f"word{n}": f"%{word}%" for n, word in enumerate(words)}
        return " AND ".join(conditions) or "true", params

    def order(self) -> str:
        column = self.sort.removeprefix("-")
        direction = "DESC" if self.sort.startswith("-") else "ASC"
        keys = ", ".join(c for c in ("programme", "project_id", "pic") if c in self.table.columns)
        return f"{column} {direction} NULLS LAST, {keys}"


def parse(warehouse: Warehouse, table: str, params: Mapping[str, Any]) -> Query:
    """Check a listing request given as query parameters (all optional).

    `params` is a query string (a filter's repeated values all count) or a plain mapping.
    """
    if table not in TABLES:
        raise ParameterError("table", f"{table!r} is not listed; use {', '.join(TABLES)}")
    chosen = TABLES[table]
    given = filters.read(params)
    scope = resolve(warehouse, **given)
    sort = params.get("sort") or chosen.default_sort
    if sort.removeprefix("-") not in chosen.columns:
        raise ParameterError(
            "sort",
            f"{sort!r} is not a column; use one of {', '.join(chosen.columns)} "
            "(prefix - for descending)",
        )
    search = (params.get("q") or "").strip()
    if len(search) > MAX_SEARCH:
        raise ParameterError("q", f"a search of {len(search)} characters; at most {MAX_SEARCH}")
    return Query(chosen, scope, "country" in given, search, sort, parse_states(params))


def parse_states(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The `us_state` parameter: two-letter codes of US states (repeated for several)."""
    getlist = getattr(params, "getlist", None)
    given = filters.strings(getlist("us_state") if getlist else params.get("us_state"))
    known = {row["code"]: row["name"] for row in reference.rows("us_states")}
    for value in given:
        if value.upper() not in known:
            raise ParameterError(
                "us_state",
                f"{value!r} is not a US state; use a two-letter code such as CA, MA or NY",
            )
    return tuple(dict.fromkeys(value.upper() for value in given))


def listing(
    warehouse: Warehouse, query: Query, *, page: int | str | None = 1, size: int = PAGE_SIZE
) -> Page:
    """The rows of one page, the total and the facet counts. `page` is a number or the
    parameter's text (none: the first page); a page past the last is refused naming the
    last (an empty listing has one page, empty), as the coordination lists do, rather than
    answering an empty page of a listing that has rows."""
    source, params = query.relation()
    total = count(warehouse, query)
    pages = last_page(total, size)
    page = page_number("page", page, last=pages)
    rows = warehouse.arrow(
        f"""SELECT {", ".join(query.table.columns)} FROM {source}
            ORDER BY {query.order()} LIMIT $limit OFFSET $offset""",
        params | {"limit": size, "offset": (page - 1) * size},
    )
    return Page(query.table, rows, total, page, pages, query.sort, facets(warehouse, query))


def last_page(total: int, size: int) -> int:
    """How many pages `total` rows fill, `size` a page: at least one (an empty listing is
    one empty page).

    >>> last_page(12900, 50), last_page(0, 50), last_page(50, 50)
    (258, 1, 1)
    """
    return max(1, -(-total // size))


def count(warehouse: Warehouse, query: Query) -> int:
    """How many rows the listing holds under its filters."""
    source, params = query.relation()
    return int(warehouse.query(f"SELECT count(*) AS n FROM {source}", params)[0]["n"])


def _every_row(query: Query) -> tuple[str, dict[str, object]]:
    source, params = query.relation()
    columns = ", ".join(query.table.columns)
    sql = f"SELECT {columns} FROM {source} ORDER BY {query.order()} LIMIT {EXPORT_LIMIT}"
    return sql, params


def export(warehouse: Warehouse, query: Query) -> pa.Table:
    """Every row of the listing (up to a million), sorted, for XLSX, JSON or Parquet."""
    return warehouse.arrow(*_every_row(query))


def export_batches(warehouse: Warehouse, query: Query) -> Iterator[pa.RecordBatch]:
    """The rows of `export`, read `EXPORT_BATCH` at a time, for a CSV written as it is read."""
    sql, params = _every_row(query)
    return warehouse.batches(sql, params, rows=EXPORT_BATCH)


def facets(
    warehouse: Warehouse, query: Query, *, top: int = 12
) -> dict[str, list[tuple[object, int]]]:
    """For each facet column, its most frequent values under the current filters."""
    source, params = query.relation()
    columns = query.table.facets
    found = warehouse.query(
        f"""SELECT {", ".join(f"{c} AS v_{c}" for c in columns)},
                   {", ".join(f"grouping({c}) AS g_{c}" for c in columns)}, count(*) AS n
            FROM {source}
            GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in columns)})
            ORDER BY n DESC""",
        params,
    )
    result: dict[str, list[tuple[object, int]]] = {column: [] for column in columns}
    for row in found:
        column = next(c for c in columns if row[f"g_{c}"] == 0)
        if row[f"v_{column}"] is not None and len(result[column]) < top:
            result[column].append((row[f"v_{column}"], int(row["n"])))
    if query.table.name in FIELD_FACET:
        result["field"] = [
            (row["field"], int(row["n"]))
            for row in warehouse.query(
                f"""SELECT f.level2 AS field, count(*) AS n FROM {source} r
                    JOIN (SELECT DISTINCT programme, project_id, level2 FROM project_field_levels
                          WHERE level2 IS NOT NULL) f USING (programme, project_id)
                    GROUP BY f.level2 ORDER BY n DESC, f.level2 LIMIT {int(top)}""",
                params,
            )
        ]
    return result
