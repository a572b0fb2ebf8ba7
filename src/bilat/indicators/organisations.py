"""The country's leading organisations, with the programmes they took part in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from bilat.indicators import caveats, tally
from bilat.indicators.collaboration import organisations
from bilat.indicators.coverage import coverage
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
    """The first `limit` organisations by `order`, ties broken by the other measure and PIC,
    counted in Arrow over the subject's rows (`tally`), ranked and cut before their names are
    read (the organisations table is large)."""
    other = "ec_contribution" if options["order"] == "participations" else "participations"
    rows = tally.subject_rows(warehouse, scope, tally.columns(MEASURES, "pic"))
    rows = rows.filter(pc.is_valid(rows["pic"]))
    grouped = tally.tally(rows, {"pic": rows["pic"]}, MEASURES, by_programme=False)
    order = [(options["order"], "descending"), (other, "descending"), ("pic", "ascending")]
    top = grouped.sort_by(order).slice(0, options["limit"])
    pics = top["pic"].to_pylist()
    per_programme = _per_programme(warehouse, rows, pics)
    named = {
        column: pa.array(values, pa.string())
        for column, values in zip(_NAMED, organisations(warehouse, pics, *_NAMED), strict=True)
    }
    return pa.table(
        {"rank": pa.array(range(1, len(pics) + 1), pa.int64()), "pic": top["pic"]}
        | named
        | {name: top[name] for name in MEASURES}
        | per_programme
    )


MEASURES = (
    "participations",
    "funded_participations",
    "projects",
    "coordinated_projects",
    "ec_contribution",
)
# What is shown of each organisation, from the organisations table.
_NAMED = ("name", "short_name", "country", "city", "us_state", "activity_type")


def _per_programme(warehouse: Warehouse, rows: pa.Table, pics: list[int]) -> dict[str, pa.Array]:
    """The participations of each of `pics` in each programme; a programme whose
    participations are not loaded has no figure (null), not 0."""
    loaded = {p.code for p in coverage(warehouse).loaded}
    kept = rows.filter(pc.is_in(rows["pic"], pa.array(pics, pa.int64())))
    counted = tally.lookup(
        tally.tally(kept, {"pic": kept["pic"]}, ("participations",)),
        ("programme", "pic"),
        "participations",
    )
    return {
        f"participations_{p.lower()}": pa.array(
            [counted.get((p, pic), 0) if p in loaded else None for pic in pics], pa.int64()
        )
        for p in ("FP7", "H2020", "HE")
    }
