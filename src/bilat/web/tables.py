"""Arrow tables as HTML tables: column titles, number formats and links to detail pages.

Pages show every figure as a table that works without JavaScript; this module decides how a
column reads (a share as a percentage, an amount in euros, a PIC as a link to its
organisation) so that templates only loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import pyarrow as pa
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bilat.cordis.roles import ACTIVITY_TYPES, ROLE_TITLES

TITLES = {
    "programme": "Programme",
    "participations": "Participations",
    "funded_participations": "Funded",
    "unfunded_participations": "Unfunded",
    "organisations": "Organisations",
    "projects": "Projects",
    "coordinated_projects": "Coordinated",
    "ec_contribution": "EU contribution",
    "net_ec_contribution": "Net EU contribution",
    "ec_max_contribution": "Maximum EU contribution",
    "total_cost": "Total cost",
    "share": "Share of the country's",
    "programme_share": "Share of all",
    "share_participations": "Share of participations",
    "share_ec_contribution": "Share of EU contribution",
    "programme_part": "Programme part",
    "programme_part_code": "Legal basis",
    "scheme_group": "Scheme group",
    "funding_scheme": "Funding scheme",
    "organisation_type": "Organisation type",
    "activity_type": "Type",
    "state_name": "State",
    "us_state": "State",
    "project_id": "Project",
    "pic": "PIC",
    "shared_projects": "Shared projects",
    "rank_participations": "Rank (participations)",
    "rank_ec_contribution": "Rank (EU contribution)",
    "third_countries": "Third countries ranked",
    "year_basis": "Year from",
    "programme_year": "Programme year",
    "participations_fp7": "FP7",
    "participations_h2020": "H2020",
    "participations_he": "HE",
}
# Columns whose codes have a readable title beside them.
VALUE_TITLES = {"role": ROLE_TITLES, "activity_type": ACTIVITY_TYPES}


@dataclass(frozen=True)
class Cell:
    """One formatted value, with a link when it names a page."""

    text: str
    numeric: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Grid:
    """A table ready for the template: headers and rows of cells."""

    headers: list[tuple[str, bool]]
    rows: list[list[Cell]]

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
            f'<div class="wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )


_NUM = ' class="num"'


def _td(cell: Cell) -> str:
    text = str(escape(cell.text))
    if cell.href:
        text = f'<a href="{escape(cell.href)}">{text}</a>'
    return f"<td{_NUM if cell.numeric else ''}>{text}</td>"


def title(column: str) -> str:
    """The header of a column."""
    if column.startswith("share_") and column not in TITLES:
        return "Share: " + TITLES.get(column.removeprefix("share_"), column).lower()
    return TITLES.get(column, column.replace("_", " ").capitalize())


def grid(
    table: pa.Table,
    *,
    columns: list[str] | None = None,
    limit: int | None = None,
    headers: Mapping[str, str] | None = None,
    drop_empty: bool = False,
) -> Grid:
    """The table's rows formatted; `columns` picks and orders the columns shown, `headers`
    renames some, `drop_empty` leaves out columns with no value at all (a project title where
    the project table is not loaded)."""
    names = columns or list(table.column_names)
    if drop_empty:
        names = [name for name in names if table.column(name).null_count < table.num_rows]
    numeric = {name: _is_numeric(table.schema.field(name).type) for name in names}
    rows = table.to_pylist()[:limit]
    return Grid(
        headers=[((headers or {}).get(name) or title(name), numeric[name]) for name in names],
        rows=[[cell(name, row[name], row, numeric[name]) for name in names] for row in rows],
    )


def _is_numeric(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
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
        return Cell("", numeric)
    if column in ("pic", "source", "target") and isinstance(value, int):
        return Cell(str(value), False, _pattern("organisation", 1).format(value))
    if column == "project_id" and row.get("programme") in ("FP7", "H2020", "HE"):
        return Cell(str(value), False, _pattern("project", 2).format(row["programme"], value))
    if column == "country" and isinstance(value, str):
        return Cell(value, False, _pattern("country", 1).format(value))
    return Cell(text(column, value), numeric)


def text(column: str, value: Any) -> str:
    """A value as the pages write it: 1,234; €1,234,567; 12.3%."""
    if isinstance(value, float) and "share" in column:
        return f"{value:.1%}"
    if isinstance(value, Decimal):
        return f"€{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and "year" not in column and "rank" not in column:
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if column in VALUE_TITLES:
        return VALUE_TITLES[column].get(str(value), str(value))
    return str(value)
