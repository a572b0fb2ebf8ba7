"""With whom the country works: partners in its projects, by country, country group and
organisation, and the co-participation networks of those projects.

The subject's projects are those where it takes part under every filter (a role filter of
`coordinator` gives the projects it coordinates); the partners are all other participations in
those projects, whatever their role. Networks are bounded to a legible number of nodes, and
each edge is an unordered pair listed once (source < target) weighted by shared projects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from bilat.indicators import caveats
from bilat.indicators.measures import measured
from bilat.indicators.participation import ORDER_PROGRAMME
from bilat.indicators.registry import Option, indicator
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

STATUS_TITLES = {
    "member_state": "EU member states",
    "associated": "Associated countries",
    "partly_associated": "Associated in part",
    "third_country": "Other third countries",
    "unknown": "Country unknown",
}
# What is counted of the partners, per country, group or organisation.
_PARTNER_MEASURES = ("participations", "organisations", "projects", "ec_contribution")
_SHARE = "CAST(participations AS DOUBLE) / sum(participations) OVER () AS share"


def _inside(scope: Scope) -> tuple[str, dict[str, object]]:
    """CTEs `with_subject` (the subject's projects) and `inside` (every participation in
    them, `own` when it is the subject's, with the columns the partner measures read).

    The subject's projects are found by the subject's WHERE form, which lets DuckDB read only
    the row groups of the facts that hold the subject (they are sorted by country); the other
    participations of those projects are picked by grant number alone, unique across the
    programmes (see `measures`), a join on one integer instead of (programme, grant); and
    they are kept once (MATERIALIZED), narrow, for every measure that reads them, instead of
    being joined again for each distinct count.
    """
    where, params = scope.where()
    subject, more = scope.subject.where()
    own, also = scope.subject.condition()
    return (
        f"""
        WITH with_subject AS (SELECT DISTINCT project_id FROM participation_facts
                              WHERE {where} AND {subject}),
        inside AS MATERIALIZED (
            SELECT programme, project_id, pic, country, country_status, ec_contribution,
                   {own} AS own
            FROM participation_facts
            WHERE project_id IN (SELECT project_id FROM with_subject))
        """,
        params | more | also,
    )


@indicator(
    title="Partner countries",
    unit="count, EUR and share",
    definition=(
        "The participations of other countries' organisations in the projects where the "
        "country takes part, per partner country."
    ),
    caveats=(caveats.PARTNERS, caveats.COUNTRY, caveats.STATUS),
)
def partner_countries(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """One row per partner country; `status` is the status in force for its participations in
    the latest programme covered, 'partly_associated' where it differs between them (Canada
    in Horizon Europe: associated in Pillar II from the 2024 calls, a third country
    elsewhere)."""
    ctes, params = _inside(scope)
    counted = measured("partners", ("country",), _PARTNER_MEASURES, by_programme=False)
    # The status of each partner country in the latest programme it takes part in, from one
    # row per (country, programme, status) rather than a window over every partner row.
    return warehouse.arrow(
        f"""{ctes},
        partners AS NOT MATERIALIZED (SELECT * FROM inside WHERE NOT own),
        statuses AS (SELECT DISTINCT country, {ORDER_PROGRAMME} AS rank, country_status
                     FROM partners),
        latest AS (SELECT country,
                          CASE WHEN count(DISTINCT country_status) > 1 THEN 'partly_associated'
                          ELSE COALESCE(any_value(country_status), 'unknown') END AS status
                   FROM (SELECT * FROM statuses
                         QUALIFY rank = max(rank) OVER (PARTITION BY country))
                   GROUP BY country)
        SELECT p.country, c.iso_code, c.name, l.status,
               {", ".join(f"p.{name}" for name in _PARTNER_MEASURES)}, {_SHARE}
        FROM ({counted}) p LEFT JOIN countries c ON c.cordis_code = p.country
        LEFT JOIN latest l ON l.country IS NOT DISTINCT FROM p.country
        ORDER BY participations DESC, p.country
        """,
        params,
    )


@indicator(
    title="Partner country groups",
    unit="count, EUR and share",
    definition=(
        "The partner participations in the country's projects per group: EU member states, "
        "associated countries and other third countries."
    ),
    caveats=(caveats.PARTNERS, caveats.STATUS),
)
def partner_groups(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """One row per status group of the partner's country in the project's programme."""
    ctes, params = _inside(scope)
    counted = measured(
        "partners", ("status",), ("countries", *_PARTNER_MEASURES), by_programme=False
    )
    table = warehouse.arrow(
        f"""{ctes},
        partners AS NOT MATERIALIZED (SELECT *, COALESCE(country_status, 'unknown') AS status
                                      FROM inside WHERE NOT own)
        SELECT *, {_SHARE} FROM ({counted})
        ORDER BY list_position(['member_state', 'associated', 'third_country', 'unknown'],
                               status)
        """,
        params,
    )
    statuses = table.column("status").to_pylist()
    titles = [STATUS_TITLES[status] for status in statuses]
    # Partners without a country cannot be counted in countries: missing, not "0 countries".
    countries = [
        None if status == "unknown" and n == 0 else n
        for status, n in zip(statuses, table.column("countries").to_pylist(), strict=True)
    ]
    position = table.column_names.index("countries")
    table = table.set_column(position, "countries", pa.array(countries, pa.int64()))
    return table.add_column(1, "title", pa.array(titles, pa.string()))


@indicator(
    title="Top partner organisations",
    unit="count and EUR",
    definition=(
        "The organisations of other countries that share the most projects with the country."
    ),
    caveats=(caveats.PARTNERS, "Names are the organisation's latest in CORDIS."),
    options=(Option("limit", 20, "How many organisations (1 to 1000).", maximum=1000),),
)
def partner_organisations(
    warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]
) -> pa.Table:
    """The first `limit` partners by shared projects, then participations, then PIC (cut
    before their names are joined: the organisations table is large)."""
    ctes, params = _inside(scope)
    counted = measured(
        "partners",
        ("pic", "country"),
        ("projects", "participations", "ec_contribution"),
        by_programme=False,
    )
    return warehouse.arrow(
        f"""{ctes},
        partners AS NOT MATERIALIZED (SELECT * FROM inside WHERE NOT own AND pic IS NOT NULL),
        top AS (SELECT * FROM ({counted})
                ORDER BY projects DESC, participations DESC, pic LIMIT $limit)
        SELECT t.pic, o.name, t.country, t.projects AS shared_projects, t.participations,
               t.ec_contribution
        FROM top t LEFT JOIN organisations o USING (pic)
        ORDER BY shared_projects DESC, participations DESC, t.pic
        """,
        params | {"limit": options["limit"]},
    )


# Networks of up to this many nodes count their edges from each project's mask of the nodes
# it holds (one bit per node in a BIGINT); larger ones pair the nodes' rows of each project.
MASK_NODES = 63


def _edges(node: str, *, masked: bool) -> str:
    """A query of (source, target, weight) over CTE `nodes` (one row per `node` value) and
    `inside`: each pair of nodes (source < target) with the number of projects holding both.

    Masked, the projects are first reduced to the set of nodes each holds (a bit mask), and
    the projects with the same set counted together, so that each pair is tested against a
    few thousand distinct sets; the other way joins every project's node rows to each other
    (hundreds of thousands of pairs for a country's projects). Both count the same projects.
    """
    if not masked:
        return f"""
        SELECT a.{node} AS source, b.{node} AS target, count(*) AS weight
        FROM (SELECT DISTINCT project_id, {node} FROM inside
              WHERE {node} IN (SELECT {node} FROM nodes)) a
        JOIN (SELECT DISTINCT project_id, {node} FROM inside
              WHERE {node} IN (SELECT {node} FROM nodes)) b
          ON a.project_id = b.project_id AND a.{node} < b.{node}
        GROUP BY ALL"""
    return f"""
        WITH numbered AS (SELECT {node}, row_number() OVER (ORDER BY {node}) - 1 AS bit
                          FROM nodes),
        sets AS (SELECT mask, count(*) AS projects
                 FROM (SELECT bit_or(1::BIGINT << n.bit) AS mask
                       FROM inside i JOIN numbered n USING ({node}) GROUP BY i.project_id)
                 GROUP BY mask)
        SELECT a.{node} AS source, b.{node} AS target, CAST(sum(s.projects) AS BIGINT) AS weight
        FROM numbered a JOIN numbered b ON a.{node} < b.{node}
        JOIN sets s ON ((s.mask >> a.bit) & (s.mask >> b.bit) & 1) = 1
        GROUP BY ALL"""


@indicator(
    title="Country co-participation network",
    unit="shared projects",
    definition=(
        "Pairs of countries taking part together in the country's projects, weighted by the "
        "number of those projects they share, among the countries present in most of them."
    ),
    caveats=(caveats.PARTNERS, "Each pair is listed once, with source before target."),
    options=(Option("limit", 25, "How many countries (nodes), 2 to 250.", maximum=250),),
)
def country_network(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """Edges among the `limit` countries in most of the subject's projects (subject first)."""
    ctes, params = _inside(scope)
    edges = _edges("country", masked=options["limit"] <= MASK_NODES)
    return warehouse.arrow(
        f"""{ctes},
        nodes AS MATERIALIZED (
            SELECT country, count(DISTINCT project_id) AS projects
            FROM inside WHERE country IS NOT NULL GROUP BY country
            ORDER BY bool_or(own) DESC, projects DESC, country LIMIT $limit),
        edges AS ({edges})
        SELECT e.source, e.target, ca.name AS source_name, cb.name AS target_name,
               na.projects AS source_projects, nb.projects AS target_projects, e.weight
        FROM edges e
        JOIN nodes na ON na.country = e.source JOIN nodes nb ON nb.country = e.target
        LEFT JOIN countries ca ON ca.cordis_code = e.source
        LEFT JOIN countries cb ON cb.cordis_code = e.target
        ORDER BY weight DESC, source, target
        """,
        params | {"limit": options["limit"]},
    )


@indicator(
    title="Organisation co-participation network",
    unit="shared projects",
    definition=(
        "Pairs of organisations taking part together in the country's projects, weighted by "
        "shared projects, among the country's and its partners' most frequent organisations "
        "(half the nodes each)."
    ),
    caveats=(caveats.PARTNERS, "Each pair is listed once, with source before target."),
    options=(Option("limit", 40, "How many organisations (nodes), 2 to 300.", maximum=300),),
)
def organisation_network(
    warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]
) -> pa.Table:
    """Edges among the subject's and the partners' organisations in most projects."""
    ctes, params = _inside(scope)
    counted = measured(
        "named", ("pic",), ("projects",), by_programme=False, extra=("bool_or(own) AS own",)
    )
    # At most ceil(limit / 2) nodes on each side.
    edges = _edges("pic", masked=2 * math.ceil(options["limit"] / 2) <= MASK_NODES)
    return warehouse.arrow(
        f"""{ctes},
        named AS NOT MATERIALIZED (SELECT * FROM inside WHERE pic IS NOT NULL),
        ranked AS (SELECT pic, own, projects FROM ({counted})),
        nodes AS MATERIALIZED (
            SELECT * FROM ranked
            QUALIFY row_number() OVER (PARTITION BY own ORDER BY projects DESC, pic)
                    <= ceil($limit / 2)),
        edges AS ({edges})
        SELECT e.source, e.target, oa.name AS source_name, ob.name AS target_name,
               oa.country AS source_country, ob.country AS target_country,
               na.own AS source_own, nb.own AS target_own, e.weight
        FROM edges e
        JOIN nodes na ON na.pic = e.source JOIN nodes nb ON nb.pic = e.target
        LEFT JOIN organisations oa ON oa.pic = e.source
        LEFT JOIN organisations ob ON ob.pic = e.target
        ORDER BY weight DESC, source, target
        """,
        params | {"limit": options["limit"]},
    )
