"""The country's leading organisations, with the programmes they took part in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from bilat.indicators import caveats
from bilat.indicators.coverage import coverage
from bilat.indicators.measures import measured
from bilat.indicators.registry import Option, indicator
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

LIMIT = Option("limit", 20, "How many organisations (1 to 1000).", maximum=1000)
ORDER = Option(
    "order",
    "participations",
    "Rank by participations or by EU contribution.",
    choices=("participations", "ec_contribution"),
)


@indicator(
    title="Top organisations",
    unit="count and EUR",
    definition=(
        "The country's organisations ranked by participations or by EU contribution, with "
        "their projects, coordinations and participations in each programme."
    ),
    caveats=(caveats.COUNTRY, caveats.FUNDED, "Names are the organisation's latest in CORDIS."),
    options=(LIMIT, ORDER),
)
def top_organisations(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """The first `limit` organisations by `order`, ties broken by the other measure and PIC
    (ranked and cut before their names are joined: the organisations table is large)."""
    where, params = scope.where()
    subject, more = scope.subject.where()
    other = "ec_contribution" if options["order"] == "participations" else "participations"
    # A programme whose participations are not loaded has no figure (null), not 0.
    loaded = {p.code for p in coverage(warehouse).loaded}
    mix = tuple(
        f"count(*) FILTER (WHERE programme = '{p}') AS participations_{p.lower()}"
        if p in loaded
        else f"CAST(NULL AS BIGINT) AS participations_{p.lower()}"
        for p in ("FP7", "H2020", "HE")
    )
    measures = (
        "participations",
        "funded_participations",
        "projects",
        "coordinated_projects",
        "ec_contribution",
    )
    return warehouse.arrow(
        f"""
        WITH s AS NOT MATERIALIZED (SELECT * FROM participation_facts
                   WHERE {where} AND {subject} AND pic IS NOT NULL),
        grouped AS ({measured("s", ("pic",), measures, by_programme=False, extra=mix)}),
        ranked AS (SELECT row_number() OVER (ORDER BY {options["order"]} DESC, {other} DESC, pic)
                              AS rank, *
                   FROM grouped ORDER BY rank LIMIT $limit)
        SELECT r.rank, r.pic, o.name, o.short_name, o.country, o.city, o.us_state,
               o.activity_type, r.* EXCLUDE (rank, pic)
        FROM ranked r LEFT JOIN organisations o USING (pic)
        ORDER BY r.rank
        """,
        params | more | {"limit": options["limit"]},
    )
