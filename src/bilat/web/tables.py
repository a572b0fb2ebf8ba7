"""Arrow tables as HTML tables: column titles, number formats and links to detail pages.

Pages show every figure as a table that works without JavaScript; this module decides how a
column reads (a share as a percentage, an amount in euros, a PIC as a link to its
organisation) so that templates only loop.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape as quoted
from typing import Any

import pyarrow as pa
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bilat.formatting import (
    MISSING,
    NO_AMOUNT,
    NO_RANK,
    READABLE,
    is_number,
    readable,
    text,
    title,
)


@dataclass(frozen=True)
class Cell:
    """One formatted value, with a link when it names a page."""

    text: str
    numeric: bool = False
    href: str | None = None
    original: str | None = None  # the value as CORDIS writes it, where it reads otherwise


@dataclass(frozen=True)
class Grid:
    """A table ready for the template: headers and rows of cells."""

    headers: list[tuple[str, bool]]
    rows: list[list[Cell]]
    label: str = "Table"  # what the table holds, the name of its scrolling region
    note: str = ""  # why some cells read "—" (an amount CORDIS leaves empty), if any do

    @property
    def empty(self) -> bool:
        return not self.rows

    def html(self) -> SafeString:
        """The table as HTML, built here rather than by template loops: pages show thousands
        of cells and this is several times faster."""
        if not self.rows:
            return mark_safe('<p class="muted">No rows under these filters.</p>')
        head = "".join(
            f'<th scope="col"{_NUM if numeric else ""}>{escape(text)}</th>'
            for text, numeric in self.headers
        )
        body = "".join("<tr>" + "".join(_td(cell) for cell in row) + "</tr>" for row in self.rows)
        return mark_safe(
            f"{scroller(self.label)}<table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>"
            + (f'<p class="muted">{escape(self.note)}</p>' if self.note else "")
        )


def scroller(label: str) -> str:
    """The opening of a table's scrolling box: a named region the keyboard can reach, so that
    a table wider than the screen can be scrolled without a mouse (WCAG 2.1.1)."""
    return f'<div class="wrap" role="region" tabindex="0" aria-label="{escape(label)}">'


_NUM = ' class="num"'
# What a cell of a programme that is not loaded says (never 0).
NOT_LOADED = "—, not loaded"
# Why an EU contribution reads "—": CORDIS leaves an associated partner's empty (they
# receive none by design), and a sum of only empty amounts is empty. (A net amount is also
# empty where the release does not publish it, as the indicators' caveats say.)
AMOUNTS = ("ec_contribution",)


def _amount_note(rows: list[dict[str, Any]], names: list[str]) -> str:
    """NO_AMOUNT when a row shown has an amount column without a value, NO_RANK when a peer
    ranked by participations is not ranked by EU contribution; else nothing."""
    shown = [name for name in AMOUNTS if name in names]
    notes = [NO_AMOUNT] if any(row[name] is None for row in rows for name in shown) else []
    if "rank_ec_contribution" in names and any(
        row["rank_ec_contribution"] is None and row.get("rank_participations") is not None
        for row in rows
    ):
        notes.append(NO_RANK)
    return " ".join(notes)


def _td(cell: Cell) -> str:
    """A cell as HTML, escaped by the standard library's `html.escape`, which escapes the
    same five characters as Django's `escape` without its lazy-text wrapper (a third of a
    profile page's table time)."""
    text = quoted(cell.text)
    if cell.href:
        text = f'<a href="{quoted(cell.href)}">{text}</a>'
    if cell.original:
        text = f'<span title="In CORDIS: {quoted(cell.original)}">{text}</span>'
    return f"<td{_NUM if cell.numeric else ''}>{text}</td>"


def grid(
    table: pa.Table,
    *,
    columns: list[str] | None = None,
    limit: int | None = None,
    headers: Mapping[str, str] | None = None,
    drop_empty: bool = False,
    label: str = "Table",
    not_loaded: Collection[str] = (),
) -> Grid:
    """The table's rows formatted; `columns` picks and orders the columns shown, `headers`
    renames some, `drop_empty` leaves out columns with no value at all (a project title where
    the project table is not loaded)."""
    names = columns or list(table.column_names)
    if drop_empty:
        names = [name for name in names if table.column(name).null_count < table.num_rows]
    numeric = {name: is_number(table.schema.field(name).type) for name in names}
    rows = table.slice(0, limit).to_pylist()  # only the rows shown are turned into Python
    return Grid(
        headers=[((headers or {}).get(name) or title(name), numeric[name]) for name in names],
        rows=[
            [
                Cell(NOT_LOADED, numeric[name])
                if name in not_loaded
                else cell(name, row[name], row, numeric[name])
                for name in names
            ]
            for row in rows
        ],
        label=label,
        note=_amount_note(rows, [name for name in names if name not in not_loaded]),
    )


@cache
def _pattern(name: str, placeholders: int) -> str:
    """A page's URL with `{}` holes: reverse() once, not once per cell."""
    return (
        reverse(name, args=[f"__{i}__" for i in range(placeholders)])
        .replace("__0__", "{0}")
        .replace("__1__", "{1}")
    )


def cell(column: str, value: Any, row: dict[str, Any], numeric: bool) -> Cell:
    """Format one value; link PICs, projects and countries to their pages."""
    if value is None:
        return Cell(MISSING if numeric else "", numeric)
    if column in ("pic", "source", "target") and isinstance(value, int):
        return Cell(str(value), False, _pattern("organisation", 1).format(value))
    if column == "name" and isinstance(row.get("pic"), int) and isinstance(value, str):
        shown = readable(value)
        page = _pattern("organisation", 1).format(row["pic"])
        return Cell(shown, False, page, original=value if shown != value else None)
    if column == "project_id" and row.get("programme") in ("FP7", "H2020", "HE"):
        return Cell(str(value), False, _pattern("project", 2).format(row["programme"], value))
    if column == "country" and isinstance(value, str):
        return Cell(value, False, _pattern("country", 1).format(value))
    if column in READABLE and isinstance(value, str):
        shown = readable(value)
        return Cell(shown, numeric, original=value if shown != value else None)
    return Cell(text(column, value), numeric)
