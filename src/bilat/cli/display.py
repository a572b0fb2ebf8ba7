"""Indicator tables drawn for a terminal: numbers never cut, the programme column only when
it varies, wide one-row tables turned on their side."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from bilat import exports, indicators
from bilat.cli.group import console
from bilat.formatting import figure, is_number
from bilat.indicators.comparison import Comparison
from bilat.web.comparison import tables

# Column headers short enough for an 80-column terminal.
_SHORT = {
    "participations": "part.",
    "funded_participations": "funded",
    "unfunded_participations": "unfunded",
    "organisations": "orgs",
    "projects": "projects",
    "coordinated_projects": "coord.",
    "ec_contribution": "EU contr.",
    "net_ec_contribution": "net contr.",
    "programme_share": "of all",
    "participations_fp7": "FP7",
    "participations_h2020": "H2020",
    "participations_he": "HE",
    "shared_projects": "shared",
    "short_name": "short",
    "activity_type": "type",
}


def print_indicator(table: pa.Table) -> None:
    """Print an indicator's table with its title, definition, caveats and attribution."""
    about = exports.about(table)
    console.print(
        f"[bold]{about['title']}[/bold]: {about['country']}, "
        f"{about['programmes'] or 'no programme loaded'} ({about['filters']})"
    )
    console.print(about["definition"], style="dim")
    rows = table.to_pylist()
    names = list(table.column_names)
    if "programme" in names and len({row["programme"] for row in rows}) <= 1:
        names.remove("programme")
    grid = Table(show_edge=False)
    numeric = {column: is_number(table.schema.field(column).type) for column in names}
    if rows and len(rows) <= 4 and all(numeric[column] for column in names):
        grid.add_column("")
        for row in rows:
            grid.add_column(str(row.get("programme", "")), justify="right")
        for column in names:
            grid.add_row(column, *(_cell(column, row[column]) for row in rows))
    else:
        for column in names:
            grid.add_column(
                _SHORT.get(column, column.replace("_", " ")),
                justify="right" if numeric[column] else "left",
                no_wrap=True,
            )
        for row in rows:
            grid.add_row(*(_cell(column, row[column]) for column in names))
    # Never squeeze numbers into ellipses: a table wider than the terminal is printed at its
    # natural width (the terminal wraps it; a pipe or file keeps it intact).
    natural = Measurement.get(console, console.options.update_width(10_000), grid).maximum
    Console(width=max(console.width, natural)).print(grid)
    for caveat in about.get("caveats", []):
        console.print(f"- {caveat}", style="dim")
    console.print(exports.ATTRIBUTION, style="dim")


def print_listing() -> None:
    """Print the list of indicators with their options."""
    listing = Table(title="Indicators (bilat indicators NAME --help for the parameters)")
    for column in ("name", "title", "options"):
        listing.add_column(column)
    for item in indicators.REGISTRY.values():
        listing.add_row(item.name, item.title, ", ".join(o.name for o in item.options))
    console.print(listing)


def _cell(column: str, value: object) -> str:
    """A value for the terminal: numbers as every output writes them, codes as they are
    typed in options (`associatedPartner`, `HES`), a missing value as nothing."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return figure(column, value)
    return str(value)


def print_comparison(found: Comparison) -> None:
    """Print a comparison: one table per block, one column per country."""
    console.print(
        "[bold]Countries compared[/bold]: "
        + ", ".join(column.label for column in found.columns)
        + f" ({found.filters.describe()})"
    )
    for column in found.columns:
        if not column.has_data:
            console.print(
                f"No participation of {column.label} under these filters: its column is "
                "empty (—), not zero.",
                style="dim",
            )
    for block in tables(found):
        grid = Table(title=block.title, show_edge=False, title_justify="left")
        grid.add_column("")
        for column in found.columns:
            grid.add_column(column.code, justify="right", no_wrap=True)
        for line in block.lines:
            grid.add_row(line.item, *line.cells)
        console.print(grid)
    console.print(exports.ATTRIBUTION, style="dim")
