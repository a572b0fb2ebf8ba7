"""The comparison page's tables: a `Comparison`'s blocks as rows of formatted cells, one
column per country, with each country's share beside its count.

Kept out of the view so that the view only parses, calls the service and renders.
"""

from __future__ import annotations

from dataclasses import dataclass

from bilat.formatting import MISSING, NO_AMOUNT, euros, percent
from bilat.indicators.comparison import SUMS_OF_AMOUNTS, Block, Column, Comparison, Number

# The measure a row of the page shows first, and the one shown beside it in brackets.
MAIN = ("participations", "ec_contribution")
MONEY = ("ec_contribution",)
SHARES = ("share", "share_participations", "share_ec_contribution")


@dataclass(frozen=True)
class Line:
    """One row of a comparison table: what it counts and a cell per country."""

    item: str
    cells: tuple[str, ...]
    incomplete: bool = False


@dataclass(frozen=True)
class Table:
    """One block as the page shows it."""

    name: str
    title: str
    indicator: str
    lines: tuple[Line, ...]
    note: str = ""  # why an amount of a country with participations reads "—", if one does


def cell(measure: str, value: Number) -> str:
    """A figure as the page writes it; a country without data reads "—", never 0."""
    if value is None:
        return MISSING
    if measure in SHARES:
        return percent(float(value))
    if measure in MONEY:
        return euros(value)
    return f"{int(value):,}"


def tables(found: Comparison) -> list[Table]:
    """Every block, its rows of one item merged: '745 (86.0%)' for a count and its share."""
    return [_table(block, found.columns) for block in found.blocks]


def _note(block: Block, columns: tuple[Column, ...]) -> str:
    """NO_AMOUNT when a sum of amounts of a country with participations is missing (its
    amounts all empty in CORDIS); a country without any has its own notice."""
    missing = any(
        value is None and column.has_data
        for row in block.rows
        if row.measure in SUMS_OF_AMOUNTS
        for column, value in zip(columns, row.values, strict=True)
    )
    return NO_AMOUNT if missing else ""


def _table(block: Block, columns: tuple[Column, ...]) -> Table:
    note = _note(block, columns)
    if block.name == "headline":
        lines = [
            Line(row.item, tuple(cell(row.measure, v) for v in row.values)) for row in block.rows
        ]
        return Table(block.name, block.title, block.indicator, tuple(lines), note)
    merged: dict[str, list[str]] = {}
    incomplete: dict[str, bool] = {}
    for row in block.rows:
        texts = [cell(row.measure, value) for value in row.values]
        incomplete[row.item] = row.incomplete
        if row.item not in merged:
            merged[row.item] = texts
            continue
        merged[row.item] = [
            first
            if MISSING in (first, extra) and (first == MISSING or row.measure not in MONEY)
            else f"{first} ({extra})"
            if row.measure in SHARES
            else f"{first} · {extra}"
            for first, extra in zip(merged[row.item], texts, strict=True)
        ]
    lines = [
        Line(item + (" (incomplete)" if incomplete[item] else ""), tuple(texts), incomplete[item])
        for item, texts in merged.items()
    ]
    return Table(block.name, block.title, block.indicator, tuple(lines), note)
