"""Parsing one input file into an Arrow table of text, with an account of every row.

CSV files are parsed by Arrow's reader (the fastest reader here, faster than DuckDB's own on
these files), on one thread; xlsx files by calamine. Every value stays text: typing and
normalising happen in the warehouse, where a value that does not parse is recorded, not lost.
Rows that cannot be read as records are recovered when that is safe and quarantined otherwise,
so that rows read = rows loaded + rows quarantined.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.ipc  # pa.ipc, for ParsedFile.map_from
from python_calamine import CalamineWorkbook

from bilat.cordis import lines
from bilat.cordis.inputs import InputFile
from bilat.cordis.layouts import Layout, closest, recognise
from bilat.cordis.recovery import recover, swallowing
from bilat.errors import InputFileError, UnknownFormatError

BOM = b"\xef\xbb\xbf"
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
RECORD = "_record"
LINE = "_line"
# Characters a header line may have: CORDIS headers are a few hundred, the widest layout (the
# Dashboard export) a few thousand; a longer first line is not a table bilat can read.
HEADER_LIMIT = 65_536


@dataclass
class RejectedRow:
    """A row that could not be read as a record as it stands."""

    line: int | None
    text: str
    reason: str
    recovered: bool


@dataclass
class ParsedFile:
    """A file's rows as text columns named as in its header, plus `_record` and `_line`."""

    source: InputFile
    layout: Layout
    table: pa.Table
    encoding: str
    rejected: list[RejectedRow] = field(default_factory=list)

    released_rows: int | None = None  # the table's rows, once the table is let go

    @property
    def rows_loaded(self) -> int:
        """Records in the table: loaded into the warehouse (or to be)."""
        if self.released_rows is not None:
            return self.released_rows
        return int(self.table.num_rows)

    @property
    def rows_read(self) -> int:
        """Records found in the file: those in the table plus those quarantined."""
        return self.rows_loaded + self.quarantined

    def map_from(self, path: Path) -> None:
        """Write the table to an Arrow file at `path` and read it back memory-mapped: its
        pages are then the kernel's to drop and reread, so an ingest of many files holds in
        memory only the one being loaded, not all of them."""
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, self.table.schema) as out:
            out.write_table(self.table)
        with pa.memory_map(str(path)) as mapped:
            self.table = pa.ipc.open_file(mapped).read_all()
        pa.default_memory_pool().release_unused()  # the parsed table's memory, to the system

    def release(self) -> None:
        """Let the table go once it is in the warehouse, keeping its row count for the
        account of the ingest: the next file then loads in the memory this one held."""
        self.released_rows = self.rows_loaded
        self.table = self.table.schema.empty_table()

    @property
    def quarantined(self) -> int:
        """Records kept aside because they could not be read safely."""
        return sum(1 for row in self.rejected if not row.recovered)

    @property
    def recovered(self) -> int:
        """Records that were split by stray quotes and put back together."""
        return sum(1 for row in self.rejected if row.recovered)


def header_of(source: InputFile) -> list[str]:
    """The column names of a file, read from its first line (or first sheet row)."""
    if source.is_xlsx:
        rows = _xlsx_rows(source, limit=1)
        return [str(cell).strip() for cell in rows[0]] if rows else []
    _, header = _csv_header(source)
    return header


def parse(source: InputFile) -> ParsedFile:
    """Read a whole file; raise `UnknownFormatError` if its header is not a CORDIS layout."""
    header = header_of(source)
    if not any(header):
        raise UnknownFormatError(
            f"{source.label}: the file is empty (no header line); download it again"
        )
    layout = recognise(header)
    if layout is None:
        nearest, missing = closest(header)
        if len(missing) * 2 <= len(nearest.required):
            hint = f"it looks like {nearest.title} but lacks column(s) {', '.join(missing)}"
        else:
            hint = (
                "expected a CORDIS table (project, organization, euroSciVoc, legalBasis, "
                "topics), a cordisref-* reference list or a Horizon Dashboard export"
            )
        raise UnknownFormatError(f"{source.label}: header matches no CORDIS table; {hint}")
    if source.is_xlsx:
        return _parse_xlsx(source, layout)
    return _parse_csv(source, layout)


def _utf16(raw: bytes) -> str | None:
    """The byte order of a UTF-16 file, from its byte order mark or, without one, from the
    zero bytes that Latin text has in every other place; None for any other encoding."""
    for mark, encoding in UTF16_BOMS.items():
        if raw.startswith(mark):
            return encoding
    sample = raw[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    if sample[1::2].count(0) >= 0.8 * half and not sample[0::2].count(0):
        return "utf-16-le"
    if sample[0::2].count(0) >= 0.8 * half and not sample[1::2].count(0):
        return "utf-16-be"
    return None


def _decode(raw: bytes, label: str) -> tuple[str, str]:
    """Text and encoding: UTF-16 when it is, UTF-8 when valid, else Windows-1252, else
    Latin-1 (which decodes every byte)."""
    order = _utf16(raw)
    if order is not None:
        try:
            return raw.decode(order).removeprefix("\ufeff"), "utf-16"
        except UnicodeDecodeError as error:
            raise InputFileError(
                f"{label}: looks like UTF-16 text but byte {error.start:,} is not ({error.reason})"
            ) from error
    raw = raw.removeprefix(BOM)
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def _first_line(source: InputFile) -> str:
    """A file's first line, decoded; refused when it is too long to be a header."""
    data = source.data()
    head = data[: 4 * HEADER_LIMIT + 4]
    order = _utf16(data)
    if order is not None:  # cut anywhere, a pair of bytes is a character or half of one
        text = head[: len(head) // 2 * 2].decode(order, errors="replace").removeprefix("\ufeff")
    else:
        end = head.find(b"\n")
        text, _ = _decode(head if end < 0 else head[:end], source.label)
    first = text.split("\n", 1)[0].rstrip("\r")
    if len(first) > HEADER_LIMIT:
        raise UnknownFormatError(
            f"{source.label}: line 1 is longer than {HEADER_LIMIT:,} characters; a CORDIS table "
            "starts with a header line of column names"
        )
    if "\x00" in first:
        raise UnknownFormatError(f"{source.label}: holds zero bytes; not a text (CSV) file")
    return first


def _csv_header(source: InputFile) -> tuple[str, list[str]]:
    """The delimiter and column names of a CSV, read from its first line only."""
    first = _first_line(source)
    delimiter = _delimiter(first)
    try:
        names = next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error as error:
        raise UnknownFormatError(f"{source.label}: line 1 is not a CSV header ({error})") from error
    return delimiter, [name.strip() for name in names]


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep])


def _valid_utf8(raw: bytes) -> bool:
    """Whether bytes are UTF-8, checked by Arrow's validator on the bytes where they are, as
    the one value of a text array: eight times faster than Python's decoder, and without
    holding the file a second time as a Python string."""
    offsets = pa.py_buffer(np.array([0, len(raw)], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(raw)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _text_of(raw: bytes, label: str) -> tuple[Callable[[], str], str, bytes]:
    """The file's text (decoded when first asked: only files with bad rows need it), its
    encoding, and its bytes as UTF-8 for Arrow."""
    if _utf16(raw) is None and _valid_utf8(raw):
        return cache(lambda: raw.decode("utf-8")), "utf-8", raw
    text, encoding = _decode(raw, label)
    return (lambda: text), encoding, raw if encoding == "utf-8" else text.encode("utf-8")


def _parse_csv(source: InputFile, layout: Layout) -> ParsedFile:
    original, encoding, raw = _text_of(source.data().removeprefix(BOM), source.label)
    text_of = original
    delimiter, header = _csv_header(source)
    table, invalid = _read_csv(raw, header, delimiter, source.label)
    breaks = lines.breaks(raw, table, header, [row.text for row in invalid])
    swallowing: list[RejectedRow] = []
    line_map: np.ndarray | None = None
    if _may_swallow(table, header, breaks.spanning, invalid, delimiter):
        cut = _cut_swallowing(original(), header, delimiter, table)
        if cut is not None:  # read again without the broken records
            text, line_map, swallowing = cut
            text_of = cache(lambda: text)
            raw = text.encode("utf-8")
            table, invalid = _read_csv(raw, header, delimiter, source.label)
            breaks = lines.breaks(raw, table, header, [row.text for row in invalid])
    located, invalid, at = _locate(raw, breaks, invalid, header, delimiter, text_of)
    parsed = ParsedFile(source, layout, _with_positions(table, lines=located), encoding)
    if invalid:
        _settle_invalid(parsed, invalid, at, header, delimiter)
    if line_map is not None:  # lines of the text read again, back to lines of the file
        _map_lines(parsed, line_map)
        parsed.rejected.extend(swallowing)
    split = cache(lambda: original().split("\n"))  # split once, and only if a row needs it
    _set_aside_keyless(parsed, lambda line: _record_text(split(), line))
    _set_aside_duplicates(parsed, lambda line: _record_text(split(), line))
    return parsed


def _locate(
    raw: bytes,
    breaks: lines.Breaks,
    invalid: list[pacsv.InvalidRow],
    header: list[str],
    delimiter: str,
    text_of: Callable[[], str],
) -> tuple[pa.Array, list[pacsv.InvalidRow], list[int | None]]:
    """The line of each record read, and the lines of the rows Arrow could not read.

    The records and the line breaks in their values give the lines, the rows Arrow skipped
    found by their text (`lines.locate`); where the count is not the file's (an empty line),
    Python's reader locates every record.
    """
    if breaks.balanced and not invalid:
        return pa.array(lines.counted_lines(breaks.counts)), invalid, []
    texts = [row.text for row in invalid]
    starts = lines.find_rows(raw, texts) if breaks.balanced else None
    located = lines.locate(raw, breaks.counts, texts, starts) if starts is not None else None
    if located is not None:
        return pa.array(located.records), invalid, list(located.skipped)
    good, bad = lines.locate_records(text_of(), delimiter, len(header))
    if len(good) == len(breaks.counts):
        records = pa.array(good, pa.int64())
    else:  # the two readers disagree on the records: the count is the best there is
        records = pa.array(lines.counted_lines(breaks.counts))
    return records, invalid, [*bad[: len(invalid)], *[None] * (len(invalid) - len(bad))]


def _read_csv(
    raw: bytes, header: list[str], delimiter: str, label: str
) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    """Arrow's reading of a CSV's records as text, and the rows it could not read.

    The bytes are UTF-8 already checked (or made by encoding decoded text), and a CSV's values
    are cut at ASCII bytes, which no multi-byte character holds: each value is valid UTF-8,
    and Arrow need not check it again. One thread: a file's records must be cut apart in
    order anyway (a quote may hold a line break), and on two cores Arrow's threads took a
    quarter more CPU for no gain in time; it also reports the rows it skips in the file's
    order, as `lines.find_rows` looks for them.
    """
    invalid: list[pacsv.InvalidRow] = []

    def keep_aside(row: pacsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(
                column_names=header, skip_rows=1, block_size=1 << 24, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=keep_aside
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,
            ),
        )
    except pa.ArrowInvalid as error:
        raise InputFileError(f"{label}: not a readable CSV file ({error})") from error
    return table, invalid


def _may_swallow(
    table: pa.Table,
    header: list[str],
    spanning: list[str],
    invalid: list[pacsv.InvalidRow],
    delimiter: str,
) -> bool:
    """Whether a record may hold whole records of the file in a quote left open: some line
    inside it has at least half the delimiters of a record (a record's first line, up to a
    field that spans lines). `_cut_swallowing` then reads the file line
    by line to be sure.

    The field that swallows holds a line break followed, on its line, by a delimiter (the
    start of the record it swallowed); only the records with such a value are rejoined with
    the delimiter (their text, less the quotes) and looked at line by line. Rows Arrow could
    not read are looked at in their raw text, for a line that starts like a record.
    """
    wide = f"\n[^\n{delimiter}]*(?:{delimiter}[^\n{delimiter}]*){{{(len(header) - 1) // 2}}}"
    suspect = np.zeros(table.num_rows, dtype=bool)
    for name in spanning:
        starts = pc.match_substring_regex(table[name], f"\n[^\n]*{delimiter}")
        suspect |= np.asarray(starts.to_numpy(zero_copy_only=False), dtype=bool)
    if suspect.any():
        rows = table.take(pa.array(np.flatnonzero(suspect)))
        joined = pc.binary_join_element_wise(*[rows[i] for i in range(len(header))], delimiter)
        if pc.any(pc.match_substring_regex(joined, wide)).as_py():
            return True
    spans = [row.text for row in invalid if row.text and "\n" in row.text.rstrip("\r\n")]
    first = _first_field(table, header) if spans else None
    for text in spans:  # a line inside that starts like a record: a first field, a delimiter
        for line in text.split("\n")[1:]:
            head = line.split(delimiter, 1)
            if len(head) == 2 and first is not None and first.fullmatch(head[0]):
                return True
    return False


def _cut_swallowing(
    text: str, header: list[str], delimiter: str, table: pa.Table
) -> tuple[str, np.ndarray, list[RejectedRow]] | None:
    """The file's text without the records whose quote, never closed, swallows the records
    after them; the line of the file each line of that text is; and the account of the
    records set aside (quarantined) and of those they swallowed (recovered). None when no
    record swallows another (the quick look was wrong)."""
    text_lines = text.split("\n")
    first = _first_field(table, header)
    found = swallowing(text_lines, delimiter, len(header), first)
    if not found:
        return None
    keep = np.ones(len(text_lines), dtype=bool)
    rejected: list[RejectedRow] = []
    for item in found:
        keep[item.broken.start : item.broken.stop] = False
        line = item.broken.start + 1
        field = f"field '{header[item.field]}'" if item.field is not None else "a field"
        if item.field is not None and item.field >= len(header):
            field = f"field {item.field + 1}"
        count = len(item.records)
        records = "the record" if count == 1 else f"the {count:,} records"
        are = "is read as its own row" if count == 1 else "are read as their own rows"
        rejected.append(
            RejectedRow(
                line,
                "\n".join(text_lines[index].rstrip("\r") for index in item.broken),
                f"{field} opens a quote that is never closed; {records} after it that the "
                f"quote would swallow {are}",
                recovered=False,
            )
        )
        reason = f"swallowed by the quote never closed in line {line}'s {field}; read on its own"
        for span in item.records:
            swallowed = "\n".join(text_lines[index].rstrip("\r") for index in span)
            rejected.append(RejectedRow(span.start + 1, swallowed, reason, True))
    kept = np.flatnonzero(keep)
    line_map = np.concatenate([[0], kept + 1])  # line n of the new text is line_map[n]
    return "\n".join(text_lines[index] for index in kept.tolist()), line_map, rejected


def _first_field(table: pa.Table, header: list[str]) -> re.Pattern[str]:
    """What the first field of a record looks like: digits when every record read has
    digits there (a project ID, an rcn), otherwise anything without a line break."""
    if header and table.num_rows:
        values = pc.utf8_trim_whitespace(table[header[0]])
        if pc.all(pc.match_substring_regex(values, r"^\d+$")).as_py():
            return re.compile(r"\s*\d+\s*")
    return re.compile(r"[^\n]*")


def _map_lines(parsed: ParsedFile, line_map: np.ndarray) -> None:
    """Turn the lines of a text read again without some lines into lines of the file."""
    read_at = np.asarray(parsed.table[LINE].combine_chunks().to_numpy(zero_copy_only=False))
    table = parsed.table.drop_columns([RECORD, LINE])
    parsed.table = _with_positions(table, lines=pa.array(line_map[read_at], pa.int64()))
    for row in parsed.rejected:
        if row.line is not None:
            row.line = int(line_map[row.line])


def _record_text(text_lines: list[str], line: int) -> str:
    """The raw text of the record starting at a line: lines until its quotes balance.

    Lines are cut at "\n" only, as `lines.counted_lines` counts them.
    """
    taken: list[str] = []
    quotes = 0
    for current in text_lines[line - 1 :]:
        current = current.rstrip("\r")
        taken.append(current)
        quotes += current.count('"')
        if quotes % 2 == 0:
            break
    return "\n".join(taken)


def _set_aside_keyless(parsed: ParsedFile, raw_text: Callable[[int], str]) -> None:
    """Quarantine rows whose key (the project ID, a reference code) is missing or malformed.

    A participation without a project cannot be counted anywhere, so it is kept aside with
    its raw text rather than loaded half-empty.
    """
    key = parsed.layout.key.lower() if parsed.layout.key else None
    names = {name.lower(): name for name in parsed.table.column_names}
    if key is None or key not in names:
        return
    values = pc.utf8_trim_whitespace(parsed.table[names[key]])
    numeric = key in ("id", "projectid", "project_id")
    pattern = r"^\d+$" if numeric else r"^.+$"
    good = pc.fill_null(pc.match_substring_regex(values, pattern), False)
    if pc.all(good).as_py():
        return
    bad = parsed.table.filter(pc.invert(good))
    for value, line in zip(bad[names[key]].to_pylist(), bad[LINE].to_pylist(), strict=True):
        what = names[key]
        reason = f"no {what}" if not value.strip() else f"{what} '{value}' is not a number"
        parsed.rejected.append(RejectedRow(line, raw_text(line), reason, recovered=False))
    parsed.table = parsed.table.filter(good)


# Rows that differ in their first few columns cannot be duplicates: those columns are compared
# first, and whole rows only among the few rows that share them (two roles of one organisation
# in one project, in an organization table).
DUPLICATE_PREFIX = 3


def _set_aside_duplicates(parsed: ParsedFile, raw_text: Callable[[int], str]) -> None:
    """Quarantine rows identical in every field to an earlier row of the same file.

    CORDIS tables have none; a row written twice (a bad export, a file concatenated with
    itself) would count its participation twice.
    """
    table = parsed.table
    columns = [name for name in table.column_names if name not in (RECORD, LINE)]
    if table.num_rows < 2 or not columns:
        return
    shared = _shared_codes(table, columns[:DUPLICATE_PREFIX])
    if shared is None:
        return
    suspects = np.flatnonzero(shared)
    subset = table.take(pa.array(suspects))
    codes = _shared_codes(subset, columns, codes=True)
    assert codes is not None
    first: dict[int, int] = {}
    keep = np.ones(table.num_rows, dtype=bool)
    for position, code, line in zip(
        suspects.tolist(), codes.tolist(), subset[LINE].to_pylist(), strict=True
    ):
        earlier = first.setdefault(code, line)
        if earlier != line:
            keep[position] = False
            reason = f"an exact duplicate of line {earlier}"
            parsed.rejected.append(RejectedRow(line, raw_text(line), reason, recovered=False))
    if not keep.all():
        parsed.table = table.filter(pa.array(keep))


def _shared_codes(table: pa.Table, columns: list[str], *, codes: bool = False) -> np.ndarray | None:
    """Rows whose values in `columns` another row also has (a mask; None when there are
    none), or with `codes` the code of each row's values (equal codes, equal values)."""
    joined = pc.binary_join_element_wise(
        *[table[name].combine_chunks() for name in columns], "\x1f", null_handling="replace"
    )
    encoded = pc.dictionary_encode(joined)
    indices: np.ndarray = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
    if codes:
        return indices
    if len(encoded.dictionary) == table.num_rows:
        return None
    shared: np.ndarray = np.bincount(indices)[indices] > 1
    return shared


def _with_positions(table: pa.Table, *, lines: pa.Array) -> pa.Table:
    table = table.append_column(RECORD, pa.array(np.arange(table.num_rows, dtype=np.int64)))
    return table.append_column(LINE, lines)


def _settle_invalid(
    parsed: ParsedFile,
    invalid: list[pacsv.InvalidRow],
    invalid_lines: list[int | None],
    header: list[str],
    delimiter: str,
) -> None:
    """Recover the rows that can be recovered and quarantine the rest, at their lines."""
    layout = parsed.layout
    columns = len(header)
    lowered = [name.lower() for name in header]
    free_text = lowered.index(layout.free_text) if layout.free_text in lowered else None
    recovered_rows: list[list[str]] = []
    recovered_lines: list[int] = []
    for row, line in zip(invalid, invalid_lines, strict=True):
        fields = None
        if free_text is not None and row.actual_columns > columns:
            fields = recover(row.text, columns, free_text, delimiter)
        if fields is not None:
            reason = (
                f"{row.actual_columns} fields instead of {columns}: unescaped quotes in "
                f"'{header[free_text or 0]}'; recovered, the surplus belongs to that column"
            )
            recovered_rows.append(fields)
            recovered_lines.append(line or 0)
        else:
            reason = (
                f"{row.actual_columns} fields instead of {columns}; cannot tell which belong where"
            )
        parsed.rejected.append(RejectedRow(line, row.text, reason, fields is not None))
    if recovered_rows:
        table = parsed.table.drop_columns([RECORD, LINE])
        extra = pa.table({name: [r[i] for r in recovered_rows] for i, name in enumerate(header)})
        table = pa.concat_tables([table, extra.cast(table.schema)])
        lines = pa.concat_arrays(
            [parsed.table[LINE].combine_chunks(), pa.array(recovered_lines, pa.int64())]
        )
        parsed.table = _with_positions(table, lines=lines)


def _xlsx_rows(source: InputFile, *, limit: int | None = None) -> list[list[object]]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(source.data()))
        names = book.sheet_names
        sheet = book.get_sheet_by_name("DATA" if "DATA" in names else names[0])
        rows: list[list[object]] = [
            list(row) for row in sheet.to_python(skip_empty_area=False, nrows=limit)
        ]
    except Exception as error:  # calamine raises its own untyped errors for damaged files
        raise InputFileError(f"{source.label}: not a readable xlsx workbook ({error})") from error
    return rows


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if hasattr(cell, "isoformat"):
        return str(cell.isoformat(sep=" ") if hasattr(cell, "hour") else cell.isoformat())
    return str(cell)


def _parse_xlsx(source: InputFile, layout: Layout) -> ParsedFile:
    rows = _xlsx_rows(source)
    header = [str(cell).strip() for cell in rows[0]]
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(row)]
    columns = {
        name: pa.array([_cell_text(row[i]) if i < len(row) else "" for _, row in body], pa.string())
        for i, name in enumerate(header)
    }
    table = pa.table(columns)
    table = _with_positions(table, lines=pa.array([number for number, _ in body], pa.int64()))
    parsed = ParsedFile(source, layout, table, "xlsx")
    by_line = dict(body)

    def raw_text(line: int) -> str:
        return ";".join(_cell_text(cell) for cell in by_line[line])

    _set_aside_keyless(parsed, raw_text)
    _set_aside_duplicates(parsed, raw_text)
    return parsed
