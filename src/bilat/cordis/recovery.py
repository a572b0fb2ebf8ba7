"""Recovering CORDIS rows that unescaped quotes split into too many fields.

Real `project.csv` rows carry quotes inside `objective` that are not doubled, so a CSV reader
ends the quoted field early and the rest of the text is cut at every `;`. When the split can
only have happened inside the layout's free-text column, the row is rebuilt from its raw text:
the fields before the free text parse cleanly from the left, the fields after it from the
right, and everything between is the free text, quotes included.

A field that opens a quote and never closes it is worse: a reader takes every record after it,
up to the next quote, as the rest of that field. Such a record is found by the whole records
inside it (`swallowing`), and only it is kept aside; the records it held are read as themselves.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

QUOTE = '"'


def recover(text: str, columns: int, free_text: int, delimiter: str) -> list[str] | None:
    """The row's fields if the surplus can only belong to the free-text column, else None.

    >>> recover('1;"a "b"; c";2', 3, 1, ';')
    ['1', 'a "b"; c', '2']
    """
    text = text.rstrip("\r\n")
    leading = _leading_fields(text, free_text, delimiter)
    if leading is None:
        return None
    fields, start = leading
    trailing = _trailing_fields(text[start:], columns - free_text - 1, delimiter)
    if trailing is None:
        return None
    middle, tail = trailing
    if len(middle) >= 2 and middle.startswith(QUOTE) and middle.endswith(QUOTE):
        middle = middle[1:-1].replace(QUOTE * 2, QUOTE)
    elif QUOTE in middle:
        return None
    return [*fields, middle, *tail]


def _leading_fields(text: str, count: int, delimiter: str) -> tuple[list[str], int] | None:
    """Parse `count` well-formed fields from the left; return them and where the next begins."""
    fields: list[str] = []
    position = 0
    for _ in range(count):
        if text.startswith(QUOTE, position):
            end = position + 1
            value: list[str] = []
            while True:
                close = text.find(QUOTE, end)
                if close < 0:
                    return None
                value.append(text[end:close])
                if text.startswith(QUOTE * 2, close):
                    value.append(QUOTE)
                    end = close + 2
                    continue
                break
            after = close + 1
            if not text.startswith(delimiter, after):
                return None
            fields.append("".join(value))
            position = after + 1
        else:
            after = text.find(delimiter, position)
            if after < 0 or QUOTE in text[position:after]:
                return None
            fields.append(text[position:after])
            position = after + 1
    return fields, position


def _trailing_fields(text: str, count: int, delimiter: str) -> tuple[str, list[str]] | None:
    """Split `count` simple fields off the right; they may be quoted but hold no delimiter."""
    parts = text.rsplit(delimiter, count) if count else [text]
    if len(parts) != count + 1:
        return None
    tail: list[str] = []
    for part in parts[1:]:
        if len(part) >= 2 and part.startswith(QUOTE) and part.endswith(QUOTE):
            inner = part[1:-1]
            if QUOTE in inner.replace(QUOTE * 2, ""):
                return None
            tail.append(inner.replace(QUOTE * 2, QUOTE))
        elif QUOTE in part:
            return None
        else:
            tail.append(part)
    return parts[0], tail


@dataclass(frozen=True)
class Swallowed:
    """A record whose field opens a quote that is never closed, and the records after it
    that a CSV reader would read as the rest of that field (0-based indexes of lines)."""

    broken: range  # the lines of the broken record, kept aside
    records: list[range]  # the lines of each record it swallowed, read on their own
    field: int | None  # the field whose quote is never closed, when it can be told


def swallowing(
    lines: list[str], delimiter: str, columns: int, first: re.Pattern[str]
) -> list[Swallowed]:
    """The records that swallow whole records of the file into a quote left open.

    A field may legitimately span lines (a street, an objective); what tells a swallowed
    record from such a line is that a record of its own starts on the line: read from there
    with strict quoting, it has the file's count of fields, and its first field looks like the
    first field of a record (`first`). Reading resumes at the first swallowed record, so one
    broken record costs only itself.
    """
    found: list[Swallowed] = []
    begin = 1  # the header is line 0
    while (broken := _next_swallowing(lines, begin, delimiter, columns, first)) is not None:
        found.append(broken)
        begin = broken.broken.stop
    return found


def _next_swallowing(
    lines: list[str], begin: int, delimiter: str, columns: int, first: re.Pattern[str]
) -> Swallowed | None:
    position = begin

    def feed() -> Iterator[str]:
        nonlocal position
        while position < len(lines):
            position += 1
            yield lines[position - 1] + "\n"

    start = begin
    for _ in csv.reader(feed(), delimiter=delimiter):
        for index in range(start + 1, position):
            if record_end(lines, index, delimiter, columns, first) is None:
                continue
            records: list[range] = []
            at = index
            while at < position:  # the records inside, each read from its first line
                end = record_end(lines, at, delimiter, columns, first)
                if end is not None:
                    records.append(range(at, end))
                at = end if end is not None else at + 1
            broken = range(start, index)
            text = "\n".join(lines[line].rstrip("\r") for line in broken)
            return Swallowed(broken, records, unclosed_field(text, delimiter))
        start = position
    return None


# The most lines a record found inside another is read over: CORDIS objectives span tens.
RECORD_LINES = 1_000


def record_end(
    lines: list[str], index: int, delimiter: str, columns: int, first: re.Pattern[str]
) -> int | None:
    """Where the record starting at line `index` ends (the index of the line after it), if
    a whole record of a file of `columns` fields starts there, read with strict quoting."""
    line = lines[index]
    if delimiter not in line or first.fullmatch(line.split(delimiter, 1)[0]) is None:
        return None
    stop = min(len(lines), index + RECORD_LINES)
    end = index

    def feed() -> Iterator[str]:
        nonlocal end
        while end < stop:
            end += 1
            yield lines[end - 1] + "\n"

    try:
        fields = next(csv.reader(feed(), delimiter=delimiter, strict=True), [])
    except csv.Error:  # a quote where a field cannot have one, or no end within the limit
        return None
    return end if len(fields) == columns else None


def unclosed_field(text: str, delimiter: str) -> int | None:
    """The index of the field of a record's text that opens a quote never closed.

    >>> unclosed_field('1;"a;b";"c;d', ';')
    2
    """
    position = 0
    index = 0
    while True:
        if text.startswith(QUOTE, position):
            close = position + 1
            while True:
                close = text.find(QUOTE, close)
                if close < 0:
                    return index
                if not text.startswith(QUOTE * 2, close):
                    break
                close += 2
            after = text.find(delimiter, close)
        else:
            after = text.find(delimiter, position)
        if after < 0:
            return None
        position = after + 1
        index += 1
