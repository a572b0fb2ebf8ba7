"""A page section for one indicator: its table, chart, definition and export links.

Pages are lists of sections; each one computes a registered indicator with the page's
parameters, so the figure, its definition and its downloads always agree.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlencode

import pyarrow as pa
from django.urls import reverse

from bilat import indicators
from bilat.charts import Spec
from bilat.exports import about
from bilat.indicators import filters
from bilat.warehouse.store import Warehouse
from bilat.web.tables import Grid, grid

EXPORT_FORMATS = ("csv", "xlsx", "json", "parquet")
# A page's filters: each filter's values (repeated in links, since values may hold commas).
Params = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Section:
    """What the section template shows."""

    name: str
    title: str
    definition: str
    caveats: tuple[str, ...]
    table: Grid
    rows: int
    chart: Spec | None = None
    exports: list[tuple[str, str]] = field(default_factory=list)
    data: pa.Table | None = None
    about: dict[str, Any] = field(default_factory=dict)
    absent: str = ""  # why the section cannot be computed from the data loaded, if it cannot


def parameters(query: Mapping[str, Any], *, country: str | None = None) -> Params:
    """The filters carried by a page's query string (every repeated value; empty ones
    dropped), with the page's own country in place of any in the query."""
    found = filters.read(query)
    if country is not None:
        found["country"] = (country,)
    return found


@cache
def _export_path(name: str, fmt: str) -> str:
    """The path of an indicator's download: reverse() once per indicator and format, not four
    times per section of every page."""
    return reverse("export-indicator", args=[name, fmt])


def section(
    warehouse: Warehouse,
    name: str,
    params: Params,
    *,
    options: Mapping[str, Any] | None = None,
    chart: Callable[[pa.Table], Spec] | None = None,
    columns: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
    limit: int | None = None,
    table: pa.Table | None = None,
    not_loaded: Collection[str] = (),
) -> Section:
    """Compute indicator `name` (unless its `table` is given) and present it; the columns
    `not_loaded` (a programme's, where it is not loaded) read "—, not loaded", not 0."""
    indicator = indicators.get(name)
    if table is None:
        table = indicator(warehouse, **params, **(options or {}))
    query = urlencode({**params, **{k: str(v) for k, v in (options or {}).items()}}, doseq=True)
    exports = [
        (
            fmt.upper() if fmt != "parquet" else "Parquet",
            f"{_export_path(name, fmt)}?{query}",
        )
        for fmt in EXPORT_FORMATS
    ]
    present = [column for column in columns or table.column_names if column in table.column_names]
    return Section(
        name=name,
        title=indicator.title,
        definition=indicator.definition,
        caveats=indicator.caveats,
        table=grid(
            table,
            columns=present,
            limit=limit,
            headers=headers,
            label=f"Table: {indicator.title}",
            not_loaded=not_loaded,
        ),
        rows=table.num_rows,
        chart=chart(table) if chart and table.num_rows else None,
        exports=exports,
        data=table,
        about=about(table),
    )


def first_row(section: Section, programme: str = "ALL") -> dict[str, Any]:
    """The row of one programme (the ALL row, else the only one) of a headline table."""
    rows = section.data.to_pylist() if section.data is not None else []
    for row in rows:
        if row.get("programme") == programme:
            return dict(row)
    return dict(rows[-1]) if rows else {}
