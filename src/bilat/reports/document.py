"""A report as data: chapters of paragraphs, numbered tables and numbered figures.

The report definitions fill a `Document` through a `Builder`, which computes indicators, turns
their tables into numbered report tables and their charts into SVG figures (the same Vega-Lite
specs as the web pages, drawn by vl-convert), and remembers which indicators were used so
that the method chapter can give their definitions. Renderers turn the document into HTML,
PDF or XLSX.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
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
    """A numbered figure whose SVG may still be being drawn (see `Numbering.figure`)."""

    number: int
    title: str
    drawing: Future[str] = field(repr=False, compare=False)
    note: str = ""

    @property
    def svg(self) -> str:
        """The drawing, waited for if it is not finished (an error drawing it is raised here)."""
        return self.drawing.result()


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
        """A numbered figure: the chart spec drawn as SVG, on the drawing thread while the
        caller goes on (vl-convert releases the GIL): a report's next indicators are
        computed and its text laid out meanwhile."""
        self._figures += 1
        self.progress(f"drawing figure {self._figures}")
        drawing = _drawer().submit(_draw, spec, vega, f"f{self._figures}-")
        return Figure(self._figures, caption, drawing, note)


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
        self._computed: dict[tuple[str, tuple[tuple[str, Any], ...]], Future[pa.Table]] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def indicator(self, name: str, **given: Any) -> pa.Table:
        """An indicator for the report's country and filters (computed once); `given`
        options or parameters override the report's. Recorded as used, in the order the
        chapters ask for them, for the method chapter."""
        table = self._future(name, given).result()
        self.used.setdefault(name, indicators.get(name))
        return table

    def _future(
        self, name: str, given: Mapping[str, Any], pool: ThreadPoolExecutor | None = None
    ) -> Future[pa.Table]:
        """The indicator's computation: started on `pool`, or here and now when no pool is
        given and it was not asked for before."""
        merged = self.params | dict(given)
        key = (name, tuple(sorted(merged.items())))
        with self._lock:
            found = self._computed.get(key)
            if found is None:
                found = self._computed[key] = Future()
                if pool is not None:
                    pool.submit(self._run, found, name, merged)
                    return found
            else:
                return found
        self._run(found, name, merged)
        return found

    def _run(self, future: Future[pa.Table], name: str, merged: dict[str, Any]) -> None:
        try:
            future.set_result(indicators.get(name)(self.warehouse, **merged))
        except BaseException as error:  # kept for the chapter that asks for it
            future.set_exception(error)
        else:
            self.progress(f"computed {name}")

    def prefetch(self, wanted: list[tuple[str, dict[str, Any]]]) -> None:
        """Start computing these indicators on a few threads (DuckDB releases the GIL) and
        return: a report waits for its slowest query rather than for the sum of them, and
        its chapters (and the drawing of their figures) start as soon as their own
        indicators are there. Call `finish` when the chapters are written."""
        self._pool = self._pool or ThreadPoolExecutor(4, thread_name_prefix="bilat-indicators")
        for name, given in wanted:
            self._future(name, given, self._pool)

    def finish(self) -> None:
        """Wait for every indicator started; an error other than an indicator not applying
        (US states for another country: its chapter is not written) is raised."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        for future in list(self._computed.values()):
            error = future.exception()
            if error is not None and not isinstance(error, ParameterError):
                raise error


def _draw(spec: Spec, vega: bool, prefix: str) -> str:
    """A chart spec drawn as SVG with its own ids."""
    # Drawn in the report's own font: vl-convert measures the labels with it, so the room it
    # leaves for them (and axis titles clear of them) holds where the PDF and the browser
    # draw the text in that font.
    drawn = {**spec, "config": {**spec.get("config", {}), "font": REPORT_FONT}}
    if vega:
        svg = vl_convert.vega_to_svg(drawn)
    else:
        svg = vl_convert.vegalite_to_svg(drawn, vl_version=VEGA_LITE)
    return _own_ids(svg, prefix)


_DRAWER: ThreadPoolExecutor | None = None
_DRAWER_PID = 0


def _drawer() -> ThreadPoolExecutor:
    """The thread that draws figures: one, as vl-convert draws one chart at a time anyway.
    A process forked from one that drew (a server's workers) starts its own."""
    global _DRAWER, _DRAWER_PID
    with _DRAWER_LOCK:
        if _DRAWER is None or os.getpid() != _DRAWER_PID:
            _DRAWER = ThreadPoolExecutor(1, thread_name_prefix="bilat-figures")
            _DRAWER_PID = os.getpid()
        return _DRAWER


_DRAWER_LOCK = threading.Lock()


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
