"""Recovering CORDIS rows that unescaped quotes split into too many fields.

Real `project.csv` rows carry quotes inside `objective` that are not doubled, so a CSV reader
ends the quoted field early and the rest of the text is cut at every `;`. When the split can
only have happened inside the layout's free-text column, the row is rebuilt from its raw text:
the fields before the free text parse cleanly from the left, the fields after it from the
right, and everything between is the free text, quotes included.
"""

from __future__ import annotations

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
