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
    records: list[int]  # the first line of each record it swallowed, read on their own
    field: int | None  # the field whose quote is never closed, when it can be told


def swallowing(
    lines: list[str], delimiter: str, columns: int, first: re.Pattern[str]
) -> list[Swallowed]:
    """The records that swallow whole records of the file into a quote left open.

    A field may legitimately span lines (a street, an objective); what tells a swallowed
    record from such a line is that the line is a record of its own: parsed alone it has the
    file's count of fields, its quotes balance, and its first field looks like the first field
    of a record (`first`). Reading resumes at the first swallowed record, so one broken record
    costs only itself.
    """
    found: list[Swallowed] = []
    begin = 1  # the header is line 0
    while (broken := _next_swallowing(lines, begin, delimiter, columns, first)) is not None:
        found.append(broken)
        begin = broken.records[0]
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
        if position - start > 1:
            inside = [
                index
                for index in range(start + 1, position)
                if is_record(lines[index], delimiter, columns, first)
            ]
            if inside:
                broken = range(start, inside[0])
                text = "\n".join(lines[index].rstrip("\r") for index in broken)
                return Swallowed(broken, inside, unclosed_field(text, delimiter))
        start = position
    return None


def is_record(line: str, delimiter: str, columns: int, first: re.Pattern[str]) -> bool:
    """Whether one line, read alone, is a whole record of a file of `columns` fields."""
    line = line.rstrip("\r")
    if line.count(delimiter) < columns - 1 or line.count(QUOTE) % 2:
        return False
    try:
        fields = next(csv.reader([line], delimiter=delimiter, strict=True), [])
    except csv.Error:  # a quote inside a field that does not start with one
        return False
    return len(fields) == columns and first.fullmatch(fields[0]) is not None


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
