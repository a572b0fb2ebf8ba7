"""The line of the file each record of a CSV starts on, for messages and the quarantine.

Arrow reads a file's records but not their lines, and skips without a word the rows it cannot
read (a field too many) and the empty lines. A record's line is the header's line, plus the
records before it, plus the line breaks inside their values; the rows Arrow skipped are found
by their text in the bytes it read, as whole lines. That is checked against the file: its
line breaks must be the header's, one ending each record and those inside the values, and each
skipped row must lie between two records read. Where it does not add up (an empty line, a
quote left open at the end, lines ended by a lone carriage return), Python's CSV reader reads
the file again to locate every record: sure, but a second or more on a large file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# The bytes compared at a time when counting a file's line breaks: a scratch that stays in the
# processor's cache, where comparing the whole file at once would allocate its size again.
CHUNK = 1 << 20


@dataclass(frozen=True)
class Breaks:
    """The line breaks of a file as read: inside each record's values, the columns whose
    values hold any, and whether they account for every line break of the file."""

    counts: np.ndarray
    spanning: list[str]
    balanced: bool


@dataclass(frozen=True)
class Located:
    """The line each record read starts on (in the table's order) and each skipped row's."""

    records: np.ndarray
    skipped: list[int]


def breaks(data: bytes, table: pa.Table, header: list[str], skipped: list[str]) -> Breaks:
    """The line breaks inside the values of the records Arrow read from `data`, beside the
    rows it skipped (their texts). Only the columns whose text holds a newline at all are
    counted value by value, and none when the file's own count leaves no room for one."""
    in_file = _newlines_in(data)
    ends = table.num_rows + sum(text.count("\n") + 1 for text in skipped)
    room = in_file - 1 - ends + (0 if data.endswith(b"\n") else 1)
    counts = np.zeros(table.num_rows, dtype=np.int64)
    spanning: list[str] = []
    if room == 0 and b"\r" not in data:  # one line a record: nothing to count
        return Breaks(counts, spanning, balanced=True)
    for name in header:
        column = table[name]
        if any(_may_hold_newline(chunk) for chunk in column.chunks):
            spanning.append(name)
            counted = pc.count_substring(column, "\n")
            counts += counted.to_numpy().astype(np.int64)
    return Breaks(counts, spanning, balanced=room == int(counts.sum()))


def _newlines_in(data: bytes) -> int:
    """The line breaks in a file's bytes, counted by numpy a megabyte at a time (three times
    as fast as `bytes.count` here)."""
    view = np.frombuffer(data, dtype=np.uint8)
    return sum(
        int(np.count_nonzero(view[start : start + CHUNK] == 10))
        for start in range(0, len(view), CHUNK)
    )


def _may_hold_newline(chunk: pa.Array) -> bool:
    """Whether a text array's character data holds a newline byte (a quick look at the whole
    buffer, which may hold more than the array: a yes is then checked value by value)."""
    buffers = chunk.buffers()
    data = buffers[2] if len(buffers) > 2 else None
    return data is not None and bool((np.frombuffer(data, dtype=np.uint8) == 10).any())


def counted_lines(counts: np.ndarray) -> np.ndarray:
    """The line each record starts on when no row was skipped: 2 (after the header) plus the
    records and the line breaks inside them before it."""
    lines: np.ndarray = np.arange(2, len(counts) + 2, dtype=np.int64) + np.cumsum(counts) - counts
    return lines


def locate(
    data: bytes, counts: np.ndarray, skipped: list[str], starts: list[int]
) -> Located | None:
    """The lines of the records read from `data` (`counts` line breaks inside each) and of
    the rows skipped (their texts, in the file's order, and where they start: `find_rows`),
    in a file whose line breaks are accounted for (`Breaks.balanced`); None when a skipped
    row is not between two records."""
    before = [data.count(b"\n", a, b) for a, b in zip([0, *starts], starts, strict=False)]
    lines = np.cumsum(np.array(before, dtype=np.int64)) + 1
    spans = np.array([text.count("\n") + 1 for text in skipped], dtype=np.int64)
    base = counted_lines(counts)
    # Each skipped row's line were the skipped rows before it not there: the line, so counted,
    # of the record read that follows it, which places it among the records.
    placed = lines - (np.cumsum(spans) - spans)
    boundaries = np.append(base, base[-1] + counts[-1] + 1 if len(base) else 2)
    if not (np.isin(placed, boundaries).all() and (np.diff(placed) >= 0).all()):
        return None  # a text found inside a record, not between two
    after = np.searchsorted(placed, base, side="right")
    records = base + np.concatenate([np.zeros(1, np.int64), np.cumsum(spans)])[after]
    return Located(records, [int(line) for line in lines])


def find_rows(data: bytes, texts: list[str]) -> list[int] | None:
    """Where each row's text is in `data`, as whole lines, each after the one before (Arrow,
    reading on one thread, reports the rows it skips in the file's order); None when one is
    not found there."""
    found: list[int] = []
    cursor = 0
    for text in (row.encode("utf-8") for row in texts):
        at = data.find(text, cursor)
        while at >= 0 and not _whole_lines(data, at, at + len(text)):
            at = data.find(text, at + 1)
        if at < 0:
            return None
        found.append(at)
        cursor = at + len(text)
    return found


def _whole_lines(data: bytes, start: int, end: int) -> bool:
    """Whether `data[start:end]` begins a line and ends one (a row's text is not the start of
    a longer row)."""
    return (start == 0 or data[start - 1] == 10) and (end == len(data) or data[end] in b"\r\n")


def locate_records(text: str, delimiter: str, columns: int) -> tuple[list[int], list[int]]:
    """Start lines of the well-formed records and of the malformed ones, in file order, as
    Python's reader reads them (the sure way, for the files where `locate` cannot tell)."""
    # Python's reader refuses fields over 128 KiB; a row Arrow read (up to its 16 MiB block)
    # must be located here too, so the limit is raised to the longest possible field.
    csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    good: list[int] = []
    bad: list[int] = []
    next(reader, None)
    start = reader.line_num + 1
    for fields in reader:
        if fields:
            (good if len(fields) == columns else bad).append(start)
        start = reader.line_num + 1
    return good, bad
