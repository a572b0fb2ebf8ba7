"""Building a report and writing it as HTML (one self-contained file), PDF or XLSX.

The same document gives all three: the HTML has its CSS inline and its figures as inline
SVG; the PDF is that HTML laid out on A4 by WeasyPrint, with page numbers and a table of
contents that gives pages; the workbook holds every table of the report, whole. Nothing in the
output depends on the time it was made, unless a generation date is given.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import gc
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path

import jinja2

from bilat import __version__, exports
from bilat.cordis.programme_parts import PROGRAMMES
from bilat.errors import ParameterError
from bilat.formatting import title as column_title
from bilat.formatting import with_article
from bilat.indicators.coverage import coverage
from bilat.indicators.scope import resolve
from bilat.reports import cooperation, us_participation
from bilat.reports.chapters import method
from bilat.reports.document import Block, Builder, Chapter, Document, Progress, Table
from bilat.warehouse.store import Warehouse


@dataclass(frozen=True)
class Kind:
    """A report that bilat writes."""

    name: str
    title: str
    description: str


REPORTS = {
    "us-participation": Kind(
        "us-participation",
        "Participation report",
        "Headline figures, types of action, programme parts, organisations, roles and funding, "
        "US states, EU partners, and the comparison with the previous programme.",
    ),
    "cooperation-monitoring": Kind(
        "cooperation-monitoring",
        "Cooperation monitoring report",
        "Trend across FP7, H2020 and Horizon Europe, peer benchmark, thematic strengths, "
        "collaboration network, and findings written from the data.",
    ),
}
FORMATS = ("pdf", "html", "xlsx")
# The indicators each report reads, computed together before the chapters are written (the
# method chapter lists them in the order the chapters use them, which stays the same).
_WANTED: dict[str, list[tuple[str, dict[str, object]]]] = {
    "us-participation": [
        (name, {})
        for name in (
            "headline",
            "by_scheme_group",
            "by_programme_part",
            "by_organisation_type",
            "by_role",
            "by_state",
            "partner_groups",
            "partner_countries",
        )
    ]
    + [("top_organisations", {"limit": 25}), ("partner_organisations", {"limit": 20})],
    "cooperation-monitoring": [
        (name, {})
        for name in (
            "headline",
            "series",
            "peer_benchmark",
            "by_programme_part",
            "by_field",
            "partner_groups",
            "partner_countries",
        )
    ]
    + [("country_network", {"limit": 20})],
}
_PREVIOUS = {"H2020": "FP7", "HE": "H2020"}


def build(
    warehouse: Warehouse,
    name: str,
    *,
    country: str = "US",
    programme: str | None = None,
    generated: date | None = None,
    progress: Progress | None = None,
) -> Document:
    """Compute every table and figure of report `name`."""
    if name not in REPORTS:
        raise ParameterError("report", f"{name!r} is not a report; use {', '.join(REPORTS)}")
    scope = resolve(warehouse, country=country, programme=programme)
    if not scope.programmes:
        names = ", ".join(p.title for p in coverage(warehouse).loaded) or "none yet"
        raise ParameterError(
            "programme",
            f"{programme} is not loaded: a report of it would hold only empty tables; "
            f"programmes loaded: {names}",
        )
    params = {"country": country} | ({"programme": programme} if programme else {})
    builder = Builder(warehouse, params, progress, programmes=len(scope.programmes))
    label = with_article(scope.subject.label)
    builder.prefetch(_WANTED[name])
    try:
        covered = ", ".join(PROGRAMMES[p] for p in scope.programmes) or "no programme loaded"
        if name == "us-participation":
            only = scope.programmes[0] if programme and len(scope.programmes) == 1 else None
            previous = _PREVIOUS.get(only or "")
            loaded = resolve(warehouse, country=country).programmes
            chapters = us_participation.chapters(
                builder,
                label,
                us="US" in scope.subject.countries,
                previous=previous if previous in loaded else None,
                missing=None if previous in loaded or not previous else PROGRAMMES[previous],
            )
            title = f"Participation of {label} in the EU framework programmes"
        else:
            chapters = cooperation.chapters(builder, label)
            title = f"EU cooperation with {label} in research and innovation"
        sources = [
            row | {"name": Path(row["member"] or row["path"]).name} for row in warehouse.sources()
        ]
        chapters.append(method(builder, sources))
    finally:
        builder.finish()  # every indicator started is done before the warehouse is left
    return Document(
        name=name,
        title=title[0].upper() + title[1:],
        subtitle=f"{REPORTS[name].title}: {covered}",
        country=scope.subject.label,
        programmes=covered,
        filters=scope.filters.describe(),
        chapters=chapters,
        sources=sources,
        used=list(builder.used.values()),
        generated=generated,
    )


@functools.cache
def _environment() -> jinja2.Environment:
    """The report's template environment, made once (compiling the template took longer
    than filling it)."""
    folder = resources.files("bilat.reports").joinpath("templates")
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text("utf-8")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["data_uri"] = _data_uri
    return environment


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def html(document: Document, *, printing: bool = False) -> str:
    """The report as one self-contained HTML file; `printing` gives the same for WeasyPrint,
    its figures as SVG images instead of inline SVG (drawn the same, laid out faster)."""
    snapshots = sorted({row["snapshot_date"] for row in document.sources if row["snapshot_date"]})
    return (
        _environment()
        .get_template("report.html")
        .render(
            doc=document,
            version=__version__,
            snapshot=snapshots[-1].isoformat() if snapshots else None,
            printing=printing,
        )
    )


# In the PDF, a table of several programmes shows the first rows of each programme (those
# with most participations: the indicators sort each programme's rows so); the HTML report and
# the workbook keep every row. Laying out table cells is most of a PDF's time (WeasyPrint
# measures each cell's widths, then breaks its lines), and the breakdown by programme part of
# three programmes ran to 78 rows over three pages.
PRINTED_PER_PROGRAMME = 8


def printed(document: Document) -> Document:
    """The document as its PDF shows it: long tables by programme cut to each programme's
    first rows, with a note saying so and where the rest is."""
    chapters = [
        Chapter(chapter.slug, chapter.title, [_printed(block) for block in chapter.blocks])
        for chapter in document.chapters
    ]
    return replace(document, chapters=chapters)


def _printed(block: Block) -> Block:
    if not isinstance(block, Table) or not block.headers or block.headers[0][0] != "Programme":
        return block
    seen: Counter[str] = Counter()
    kept = []
    for row in block.rows:
        seen[row[0][0]] += 1
        if seen[row[0][0]] <= PRINTED_PER_PROGRAMME:
            kept.append(row)
    if len(kept) == len(block.rows):
        return block
    note = (
        f"{block.note} Here the first {PRINTED_PER_PROGRAMME} rows of each programme, "
        f"{len(kept)} of {len(block.rows)}; the HTML report and the workbook have all."
    )
    return replace(block, rows=kept, note=note.strip())


def pdf(document: Document, progress: Progress | None = None) -> bytes:
    """The report laid out on A4 pages (see `printed` for what it leaves to the HTML)."""
    import weasyprint  # imported here: it needs Pango, which only PDF output does

    if progress:
        progress("laying out the PDF")
    page = html(printed(document), printing=True)
    with _collector_paused():
        return bytes(weasyprint.HTML(string=page).write_pdf())


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while WeasyPrint lays out a report, then run once
    over what it left. WeasyPrint makes and drops hundreds of thousands of linked boxes and
    styles; the collector, run every 700 allocations, walked them again and again: a sixth
    of the PDF's CPU time (README, Speed). It is process-wide, so it is restarted only by
    the caller that stopped it, and left as it was found."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def xlsx(document: Document) -> bytes:
    """Every table of the report, whole, one sheet each."""
    return exports.to_xlsx(
        {f"T{table.number} {table.title}"[:31]: table.data for table in document.tables},
        titles=column_title,
    )


WRITERS: dict[str, Callable[[Document], bytes]] = {
    "html": lambda document: html(document).encode("utf-8"),
    "pdf": pdf,
    "xlsx": xlsx,
}
