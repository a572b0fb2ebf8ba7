"""A report as data: chapters of paragraphs, numbered tables and numbered figures.

The report definitions fill a `Document` through a `Builder`, which computes indicators, turns
their tables into numbered report tables and their charts into SVG figures (the same Vega-Lite
specs as the web pages, drawn by vl-convert), and remembers which indicators were used so
that the method chapter can give their definitions. Renderers turn the document into HTML,
PDF or XLSX.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa
import vl_convert

from bilat import indicators
from bilat.charts import Spec
from bilat.errors import ParameterError
from bilat.formatting import MISSING, counted, is_number, text, title
from bilat.indicators.registry import Indicator
from bilat.warehouse.store import Warehouse

# The Vega-Lite version the specs are written for (Altair's), for vl-convert.
VEGA_LITE = "6.4"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "p"  # p, finding, note


@dataclass(frozen=True)
class Figure:
    number: int
    title: str
    svg: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    number: int
    title: str
    headers: list[tuple[str, bool]]
    rows: list[list[tuple[str, bool]]]
    data: pa.Table
    note: str = ""


Block = Paragraph | Figure | Table


@dataclass
class Chapter:
    slug: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    """Everything a renderer needs; nothing in it depends on when it was made."""

    name: str
    title: str
    subtitle: str
    country: str
    programmes: str
    filters: str
    chapters: list[Chapter] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    used: list[Indicator] = field(default_factory=list)
    generated: date | None = None
    # Reports not drawn from CORDIS (the awareness report) give their own title-page facts,
    # credit line and table source; None keeps the observatory's.
    facts: list[tuple[str, str]] | None = None
    credit: str | None = None
    table_source: str = "Source: CORDIS; bilat."

    @property
    def tables(self) -> list[Table]:
        return [b for c in self.chapters for b in c.blocks if isinstance(b, Table)]

    @property
    def figures(self) -> list[Figure]:
        return [b for c in self.chapters for b in c.blocks if isinstance(b, Figure)]

    def contents(self) -> str:
        """What the report holds, as the CLI says it: "12 tables, 1 figure"."""
        return f"{counted(len(self.tables), 'table')}, {counted(len(self.figures), 'figure')}"


# The font of the report's text (its style sheet), installed with the Debian packages.
REPORT_FONT = "DejaVu Sans"


class Numbering:
    """Numbers the tables and figures of a report in the order they are made."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress or (lambda message: None)
        self._tables = 0
        self._figures = 0

    def table(
        self,
        caption: str,
        data: pa.Table,
        columns: list[str],
        *,
        headers: Mapping[str, str] | None = None,
        limit: int | None = None,
        note: str = "",
    ) -> Table:
        """A numbered table of the given columns (all rows go to the XLSX workbook); the
        programme column only when the rows are of several programmes."""
        self._tables += 1
        programmes = (
            set(data.column("programme").to_pylist())
            if "programme" in (data.column_names)
            else set()
        )
        if len(programmes) <= 1:
            columns = [c for c in columns if c != "programme"]
        present = [c for c in columns if c in data.column_names]
        shown = data.select(present)
        numeric = {c: is_number(shown.schema.field(c).type) for c in present}
        rows = [
            [
                (text(c, row[c]) if row[c] is not None else _missing(numeric[c]), numeric[c])
                for c in present
            ]
            for row in shown.to_pylist()[:limit]
        ]
        if limit is not None and shown.num_rows > limit:
            note = f"{note} First {limit} of {shown.num_rows} rows; the workbook has all.".strip()
        names = [((headers or {}).get(c) or title(c), numeric[c]) for c in present]
        return Table(self._tables, caption, names, rows, shown, note)

    def figure(self, caption: str, spec: Spec, *, note: str = "", vega: bool = False) -> Figure:
        """A numbered figure: the chart spec drawn as SVG."""
        self._figures += 1
        self.progress(f"drawing figure {self._figures}")
        # Drawn in the report's own font: vl-convert measures the labels with it, so the
        # room it leaves for them (and axis titles clear of them) holds where the PDF and the
        # browser draw the text in that font.
        font = {"font": REPORT_FONT}
        if vega:
            svg = vl_convert.vega_to_svg({**spec, "config": {**spec.get("config", {}), **font}})
        else:
            drawn = {**spec, "config": {**spec.get("config", {}), **font}}
            svg = vl_convert.vegalite_to_svg(drawn, vl_version=VEGA_LITE)
        return Figure(self._figures, caption, _own_ids(svg, f"f{self._figures}-"), note)


class Builder(Numbering):
    """Computes indicators once each and numbers the tables and figures made from them."""

    def __init__(
        self,
        warehouse: Warehouse,
        params: Mapping[str, Any],
        progress: Progress | None = None,
        *,
        programmes: int = 1,
    ) -> None:
        super().__init__(progress)
        self.warehouse = warehouse
        self.params = dict(params)
        self.programmes = programmes
        self.used: dict[str, Indicator] = {}
        self._computed: dict[tuple[str, tuple[tuple[str, Any], ...]], pa.Table] = {}
        self._lock = threading.Lock()

    def indicator(self, name: str, **given: Any) -> pa.Table:
        """An indicator for the report's country and filters (computed once); `given`
        options or parameters override the report's. Recorded as used, in the order the
        chapters ask for them, for the method chapter."""
        table = self._compute(name, given)
        self.used.setdefault(name, indicators.get(name))
        return table

    def _compute(self, name: str, given: Mapping[str, Any]) -> pa.Table:
        merged = self.params | dict(given)
        key = (name, tuple(sorted(merged.items())))
        with self._lock:
            found = self._computed.get(key)
        if found is None:
            found = indicators.get(name)(self.warehouse, **merged)
            with self._lock:
                self._computed[key] = found
                self.progress(f"computed {name}")
        return found

    def prefetch(self, wanted: list[tuple[str, dict[str, Any]]]) -> None:
        """Compute these indicators on a few threads (DuckDB releases the GIL), so that a
        report waits for its slowest query rather than for the sum of them. One that does
        not apply (US states for another country) is left for its chapter not to ask."""

        def compute(item: tuple[str, dict[str, Any]]) -> None:
            with contextlib.suppress(ParameterError):
                self._compute(*item)

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(compute, wanted))


def _missing(numeric: bool) -> str:
    """A missing number reads "—"; missing text stays blank."""
    return MISSING if numeric else ""


def _own_ids(svg: str, prefix: str) -> str:
    """Rename the ids inside one SVG (clip paths, gradients) to `prefix` + their order of
    appearance: figures inline in one HTML file then cannot point at each other's, and the
    renderer's process-wide counters cannot make the same report differ from one run to the
    next."""
    names: dict[str, str] = {}
    for found in re.findall(r'\bid="([^"]+)"', svg):
        names.setdefault(found, f"{prefix}{len(names)}")
    if not names:
        return svg
    pattern = re.compile(
        r'(\bid="|url\(#|href="#)(' + "|".join(map(re.escape, names)) + r')(?=[")])'
    )
    return pattern.sub(lambda m: m.group(1) + names[m.group(2)], svg)
