"""The country's leading organisations, with the programmes they took part in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from bilat.indicators import caveats
from bilat.indicators.measures import aggregates
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
    """The first `limit` organisations by `order`, ties broken by the other measure and PIC."""
    where, params = scope.where()
    subject, more = scope.subject.condition()
    other = "ec_contribution" if options["order"] == "participations" else "participations"
    mix = ",\n       ".join(
        f"count(*) FILTER (WHERE programme = '{p}') AS participations_{p.lower()}"
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
        WITH s AS (SELECT * FROM participation_facts
                   WHERE {where} AND {subject} AND pic IS NOT NULL),
        ranked AS (SELECT pic, {aggregates(measures)}, {mix}
                   FROM s GROUP BY pic)
        SELECT row_number() OVER (ORDER BY r.{options["order"]} DESC, r.{other} DESC, r.pic)
                   AS rank,
               r.pic, o.name, o.short_name, o.country, o.city, o.us_state, o.activity_type,
               r.* EXCLUDE (pic)
        FROM ranked r LEFT JOIN organisations o USING (pic)
        ORDER BY rank LIMIT $limit
        """,
        params | more | {"limit": options["limit"]},
    )
