"""Tables written out as CSV, JSON or XLSX, with what they are and where they come from.

Indicator tables carry their definition in the Arrow schema metadata; JSON and XLSX keep it
beside the rows (an `about` object, an `About` sheet) so that a figure passed on in a file
still says what it counts. CSV stays plain rows, which is what spreadsheets and scripts expect.

Every CSV and XLSX that bilat writes goes through here, so that no download attacks its reader:
names and texts come from CORDIS and from people's own forms, and a spreadsheet runs a cell that
starts like a formula (`=HYPERLINK(...)`). XLSX cells are typed (text is a text cell, never a
formula); CSV text that starts like a formula is neutralised with a leading quote (`neutral`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

ATTRIBUTION = (
    "Source: CORDIS, European Commission (© European Union, reused under CC BY 4.0); "
    "computed with bilat."
)
FORMATS = ("csv", "json", "xlsx", "parquet")
# First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def about(table: pa.Table) -> dict[str, Any]:
    """The table's metadata as plain values (caveats as a list)."""
    raw = table.schema.metadata or {}
    found = {key.decode(): value.decode() for key, value in raw.items()}
    if "caveats" in found:
        found["caveats"] = json.loads(found["caveats"])
    return found | {"attribution": ATTRIBUTION}


def records(table: pa.Table) -> list[dict[str, Any]]:
    """Rows as JSON-ready dictionaries: amounts as numbers, dates as ISO text.

    Converted column by column, by type: counts, texts and flags need nothing, amounts and
    shares only `whole`, other types `plain` value by value. Calling `plain` on every value
    was most of the time a chart took to list its rows (a profile draws about ten)."""
    if not table.num_columns:
        return [{} for _ in range(table.num_rows)]
    columns = [_plain_column(column) for column in table.columns]
    names = table.column_names
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _plain_column(column: pa.ChunkedArray) -> list[object]:
    """`plain` of each value of `column`, without a call per value where its type allows."""
    kind = column.type
    values: list[object] = column.to_pylist()
    if (
        pa.types.is_integer(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_null(kind)
    ):
        return values
    if pa.types.is_floating(kind):
        return [whole(value) for value in values]
    if pa.types.is_decimal(kind):
        return [None if value is None else whole(float(value)) for value in values]  # type: ignore[arg-type]
    return [plain(value) for value in values]


def plain(value: object) -> object:
    """A value JSON can hold: amounts as numbers, dates as ISO text, and a whole number as
    an integer (see `whole`)."""
    if isinstance(value, Decimal):
        return whole(float(value))
    if isinstance(value, date | datetime):
        return value.isoformat()
    return whole(value)


# Beyond 2**53 a float no longer holds every integer: such a value stays as it is.
EXACT = 2**53


def whole(value: object) -> object:
    """A float holding a whole number as an integer, anything else unchanged.

    A column that mixes counts with amounts and shares (each country's column of a comparison)
    can only be floating point in Arrow, and a count must not read "866.0" in a file.

    >>> whole(866.0), whole(0.25), whole(-3.0), whole("866.0")
    (866, 0.25, -3, '866.0')
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < EXACT:
        return int(value)
    return value


def neutral(value: object) -> object:
    """A CSV cell that no spreadsheet evaluates: text that starts like a formula gets a leading
    single quote, as OWASP advises; numbers (a negative one too) and other text are unchanged.

    >>> print(neutral('=HYPERLINK("http://evil.example","x")'))
    '=HYPERLINK("http://evil.example","x")
    >>> neutral("-12"), neutral(-12), neutral("Ann Arbor")
    ("'-12", -12, 'Ann Arbor')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_table(columns: Sequence[str], rows: Iterable[Mapping[str, str]], **about: str) -> pa.Table:
    """Rows of text as a table to export: its columns stand even when there is no row, and
    `about` (a title, a source) travels in its metadata like an indicator's definition."""
    schema = pa.schema([(column, pa.string()) for column in columns])
    table = pa.Table.from_pylist(list(rows), schema=schema)
    return table.replace_schema_metadata(about) if about else table


def to_csv(table: pa.Table) -> bytes:
    """The rows as UTF-8 CSV with a header row; lines end in CRLF (RFC 4180), so that a value
    holding a line break or carriage return is quoted and stays one cell."""
    return b"".join(csv_pieces(table.column_names, table.to_batches()))


def csv_pieces(columns: Sequence[str], batches: Iterable[pa.RecordBatch]) -> Iterator[bytes]:
    """UTF-8 CSV in pieces, every cell neutralised as in `to_csv`: the header row, then one
    piece per batch of rows, so that a large download is sent while it is read and never
    held whole."""
    yield _csv_lines([[neutral(name) for name in columns]])
    for batch in batches:
        yield _csv_lines(
            ["" if value is None else neutral(whole(value)) for value in row.values()]
            for row in batch.to_pylist()
        )


def _csv_lines(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_json(table: pa.Table) -> bytes:
    """`{"about": {...definition...}, "rows": [...]}` as UTF-8 JSON."""
    document = {"about": about(table), "rows": records(table)}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def to_parquet(table: pa.Table) -> bytes:
    """The table as Parquet; its metadata (definition, scope) goes in the file's schema."""
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def to_xlsx(sheets: dict[str, pa.Table], *, titles: Callable[[str], str] | None = None) -> bytes:
    """A workbook with one sheet per table and an `About` sheet with their definitions.

    `titles` gives each column the header a reader expects ("EU contribution" for
    `ec_contribution`); the About sheet then lists the field names behind the titles, which
    are those of the CSV, JSON and Parquet files and of the API."""
    buffer = io.BytesIO()
    # Text is never read as a formula, a number or a link: each cell is written by its type.
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(buffer, options) as book:
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        share = book.add_format({"num_format": "0.00%"})
        for name, table in sheets.items():
            sheet = book.add_worksheet(_sheet_name(name))
            for column, field in enumerate(table.schema):
                header = titles(field.name) if titles else field.name
                sheet.write_string(0, column, header, bold)
                style = money if pa.types.is_decimal(field.type) else None
                if field.name.startswith("share") or field.name.endswith("_share"):
                    style = share
                for line, value in enumerate(table.column(column).to_pylist(), start=1):
                    _write_cell(sheet, line, column, plain(value), style)
                sheet.set_column(column, column, max(10, min(40, len(header) + 2)))
            sheet.freeze_panes(1, 0)
        info = book.add_worksheet("About")
        info.set_column(0, 0, 16)
        info.set_column(1, 1, 100)
        line = 0
        for name, table in sheets.items():
            info.write_string(line, 0, _sheet_name(name), bold)
            line += 1
            described = about(table)
            if titles:
                described["columns"] = [f"{titles(name)}: {name}" for name in table.column_names]
            for key, value in described.items():
                text = "\n".join(value) if isinstance(value, list) else str(value)
                info.write_string(line, 0, key)
                info.write_string(line, 1, text)
                line += 1
            line += 1
    return buffer.getvalue()


def _write_cell(
    sheet: Worksheet, line: int, column: int, value: object, style: Format | None
) -> None:
    """One cell by its type: numbers as numbers, flags as booleans, everything else as text."""
    if value is None:
        sheet.write_blank(line, column, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(line, column, value, style)
    elif isinstance(value, int | float):
        sheet.write_number(line, column, value, style)
    else:
        sheet.write_string(line, column, str(value), style)


def write(
    table: pa.Table, fmt: str, *, name: str, titles: Callable[[str], str] | None = None
) -> bytes:
    """The table in one of FORMATS; `name` titles its XLSX sheet, `titles` its headers (the
    other formats keep the field names, which programs read)."""
    if fmt == "xlsx":
        return to_xlsx({name: table}, titles=titles)
    return {"csv": to_csv, "json": to_json, "parquet": to_parquet}[fmt](table)


def _sheet_name(name: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return "".join("_" if char in "[]:*?/\\" else char for char in name)[:31]
