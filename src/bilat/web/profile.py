"""The country profile as a list of sections, declared once and computed in parallel.

Each entry says which indicator, which columns, which chart; the sections are computed on a
few threads (DuckDB releases the GIL while it works), so a profile of fifteen indicators
costs little more than its slowest one.
"""

from __future__ import annotations

import contextvars
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import pyarrow as pa

from bilat import charts, indicators
from bilat.charts import Spec
from bilat.indicators import shared
from bilat.indicators.coverage import Coverage, coverage
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse
from bilat.web.sections import Params, Section, section

THREADS = 4
MEASURES = ["participations", "projects", "ec_contribution", "programme_share"]


def _network(edges: pa.Table, *, nodes_are: str) -> Spec:
    return charts.network(
        edges, source_label="source_name", target_label="target_name", nodes_are=nodes_are
    )


@dataclass(frozen=True)
class Part:
    """One section of the profile."""

    name: str
    columns: list[str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    chart: Callable[[pa.Table], Spec] | None = None
    limit: int | None = None
    us_only: bool = False
    per_programme: bool = False  # a programme column when several programmes are shown


def _bars(name: str, label: str, axis: str) -> Part:
    return Part(
        name,
        [label, *MEASURES],
        {label: axis},
        chart=partial(charts.bars, category=label, category_title=axis),
        per_programme=True,
    )


PARTS = (
    Part("headline"),
    Part("series", chart=charts.trend),
    _bars("by_role", "title", "Role"),
    _bars("by_organisation_type", "title", "Organisation type"),
    _bars("by_programme_part", "programme_part", "Programme part"),
    _bars("by_scheme_group", "title", "Scheme group"),
    _bars("by_field", "field", "Field of science"),
    Part("by_state", ["state", "state_name", "participations", "funded_participations",
                      "projects", "ec_contribution", "share"], {"state": "Code"},
         chart=charts.state_map, limit=20, us_only=True, per_programme=True),
    Part("top_organisations", ["rank", "pic", "name", "city", "activity_type", "participations",
                               "projects", "coordinated_projects", "ec_contribution",
                               "participations_fp7", "participations_h2020",
                               "participations_he"], options={"limit": 15}),
    Part("partner_countries", ["country", "name", "status", "participations", "organisations",
                               "projects", "ec_contribution", "share"],
         chart=charts.partners, limit=30),
    Part("partner_groups"),
    Part("partner_organisations", options={"limit": 15}),
    Part("peer_benchmark"),
    Part("country_network", options={"limit": 20}, chart=partial(_network, nodes_are="countries"),
         limit=20),
    Part("organisation_network", ["source", "source_name", "source_country", "target",
                                  "target_name", "target_country", "weight"],
         options={"limit": 30}, chart=partial(_network, nodes_are="organisations"), limit=20),
)  # fmt: skip
BREAKDOWNS = ("by_role", "by_organisation_type", "by_programme_part", "by_scheme_group", "by_field")


# Sections whose dimension only a programme's project table gives.
FROM_PROJECT_TABLE = {
    "by_scheme_group": "Scheme groups",
    "by_funding_scheme": "Funding schemes",
}


def absent(
    found: dict[str, Section], cover: Coverage, programmes: tuple[str, ...]
) -> dict[str, Section]:
    """The sections, those whose dimension is not in the data loaded marked as absent, so
    that a page says so instead of drawing every participation as 'unknown'."""
    shown = [cover.get(code) for code in programmes]
    if not shown or any(p.projects for p in shown):
        return found
    titles = " and ".join(p.title for p in shown)
    marked = dict(found)
    for name, what in FROM_PROJECT_TABLE.items():
        if name in marked:
            marked[name] = replace(
                marked[name],
                absent=f"{what} are read from the funding scheme of the project table, which "
                f"is not loaded for {titles}: this breakdown cannot be computed from the data "
                "loaded.",
            )
    return marked


# Built sections, remembered while the warehouse file is the same: charts and tables are then
# not rebuilt for every visitor of the same profile.
_MEMORY: OrderedDict[tuple[object, ...], Section] = OrderedDict()
_MEMORY_ENTRIES = 600
_LOCK = threading.Lock()


def sections(warehouse: Warehouse, params: Params, scope: Scope, *, us: bool) -> dict[str, Section]:
    """Every section of the profile under `params` (resolved as `scope`), by indicator name
    (by_state only for the US)."""
    programmes = len(scope.programmes)
    wanted = [part for part in PARTS if us or not part.us_only]
    generation = (warehouse.path, warehouse.generation, warehouse.forgotten)
    request = tuple(sorted(params.items()))
    with _LOCK:
        found = {p.name: _MEMORY.get((generation, p.name, request)) for p in wanted}
    missing = [part for part in wanted if found[part.name] is None]
    cover = coverage(warehouse)

    def compute(part: Part) -> pa.Table:
        return indicators.get(part.name).within(warehouse, scope, **part.options)

    def present(part: Part, table: pa.Table) -> Section:
        columns = part.columns
        if columns is not None and part.per_programme and programmes > 1:
            columns = ["programme", *columns]
        return section(
            warehouse,
            part.name,
            params,
            options=part.options,
            chart=part.chart,
            columns=columns,
            headers=part.headers,
            limit=part.limit,
            table=table,
            not_loaded=[f"participations_{p.code.lower()}" for p in cover.missing],
        )

    if missing:
        # Threads for the indicators (DuckDB, Arrow and numpy release the GIL); charts and
        # tables are built here, on the request's thread, each as soon as its indicator is
        # done, while the others are still being computed. The indicators share the reads
        # they have in common (each thread runs in a copy of the page's context).
        with shared.one_page(), ThreadPoolExecutor(THREADS) as pool:
            started = {
                pool.submit(contextvars.copy_context().run, compute, part): part for part in missing
            }
            built = {
                started[done].name: present(started[done], done.result())
                for done in as_completed(started)
            }
        with _LOCK:
            for name, made in built.items():
                _MEMORY[(generation, name, request)] = made
            while len(_MEMORY) > _MEMORY_ENTRIES:
                _MEMORY.popitem(last=False)
        found.update(built)
    return {name: made for name, made in found.items() if made is not None}
