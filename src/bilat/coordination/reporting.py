"""What the coordination reports (awareness activity, event outcome) share: their tables,
built from rows of counts and text, and numbers written with their nouns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pyarrow as pa

from bilat.errors import ParameterError
from bilat.reports import make
from bilat.reports.document import Chapter, Document, Numbering, Progress

FORMATS = ("pdf", "html")

# Columns that hold counts; every other column of these reports' tables is text.
COUNTS = {"activities", "people", "organisations", "registered", "waiting", "attended",
          "eu_side", "us_side"}  # fmt: skip
HEADERS = {
    "date": "Date",
    "kind": "Kind",
    "side": "Side",
    "sector": "Sector",
    "event": "Event",
    "type": "Type",
    "place": "Place",
    "reference": "Ref.",
    "eu_side": "Attended, EU side",
    "us_side": "Attended, US side",
}


def document(
    name: str,
    title: str,
    subtitle: str,
    chapters: list[Chapter],
    *,
    facts: list[tuple[str, str]],
    credit: str,
) -> Document:
    """A report of the coordination records: its own title-page facts and credit (no
    country, programme or CORDIS snapshot), its tables sourced to those records."""
    return Document(
        name=name,
        title=title,
        subtitle=subtitle,
        country="",
        programmes="",
        filters="",
        chapters=chapters,
        facts=facts,
        credit="Written from the coordination team's own records in bilat: " + credit,
        table_source="Source: bilat coordination records.",
    )


def count(n: int, one: str, many: str | None = None) -> str:
    """`1 event`, `2 events`: a number with its noun in the right form."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def table(columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> pa.Table:
    """Rows as an Arrow table whose columns keep their types when there are no rows."""
    schema = pa.schema([(c, pa.int64() if c in COUNTS else pa.string()) for c in columns])
    return pa.Table.from_pylist(list(rows), schema=schema)


def add(
    chapter: Chapter,
    numbering: Numbering,
    caption: str,
    data: pa.Table,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Append a numbered table of every column of `data` to the chapter."""
    names = HEADERS | dict(headers or {})
    chapter.blocks.append(numbering.table(caption, data, data.column_names, headers=names))


class Listed(Protocol):
    """What a report's table reads of a recommendation. The recommendations app passes its
    own objects: this shared module sits below the apps and imports none of them."""

    @property
    def reference(self) -> str: ...

    @property
    def title(self) -> str: ...

    def get_barrier_display(self) -> str: ...

    def get_addressee_display(self) -> str: ...

    def get_status_display(self) -> str: ...


def recommendations(found: Iterable[Listed]) -> pa.Table:
    """Recommendations as a report table: reference, title, barrier, addressee, status."""
    rows = [
        {
            "reference": r.reference,
            "title": r.title,
            "barrier": r.get_barrier_display(),
            "addressee": r.get_addressee_display(),
            "status": r.get_status_display(),
        }
        for r in found
    ]
    return table(["reference", "title", "barrier", "addressee", "status"], rows)


def write_report(document: Document, fmt: str, progress: Progress | None = None) -> bytes:
    """A coordination report as PDF or one HTML file."""
    if fmt not in FORMATS:
        raise ParameterError("format", f"{fmt!r} is not a format of this report; use pdf or html")
    return make.pdf(document, progress) if fmt == "pdf" else make.html(document).encode("utf-8")
