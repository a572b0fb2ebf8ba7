"""Whole-number parameters (a page, a page size, a limit, a PIC, a grant number), checked
against their bounds before any query sees them.

A number typed into an address can be anything: `page=999999999999999999999` once reached the
database as an offset and answered 500. Every numeric parameter of the observatory goes
through `whole_number`, which refuses what is not a plain decimal number in its range with a
ParameterError naming the parameter and the range (a 400 on the web, a message in the CLI).
A page number goes through `page_number`, one check for the observatory's listings and the
coordination side's lists alike.
"""

from __future__ import annotations

import re

from bilat.errors import ParameterError

# Far beyond any real listing (all of CORDIS is about 450,000 participations: 9,000 pages of 50).
MAX_PAGE = 100_000


def whole_number(parameter: str, text: object, *, minimum: int = 1, maximum: int) -> int:
    """`text` as an int from `minimum` to `maximum`, or a ParameterError saying so.

    >>> whole_number('page', '3', maximum=10)
    3
    >>> whole_number('page', '99999999999999999999', maximum=10)
    Traceback (most recent call last):
    ...
    bilat.errors.ParameterError: page: 99999999999999999999 is out of range; use 1 to 10
    """
    given = str(text).strip()
    # ASCII digits only: str.isdigit() also accepts '²', which int() then refuses.
    if re.fullmatch(r"[0-9]+", given) is None:
        raise ParameterError(
            parameter, f"{given!r} is not a whole number; use {minimum} to {maximum}"
        )
    number = int(given)
    if not minimum <= number <= maximum:
        raise ParameterError(parameter, f"{given} is out of range; use {minimum} to {maximum}")
    return number


def page_number(parameter: str, text: object, *, last: int) -> int:
    """`text` (a number, or a parameter's text; none or empty is the first page) checked from
    1 to the last page `last` (at least 1, at most MAX_PAGE), or a ParameterError naming
    `parameter` and the last page.

    >>> page_number('page', '3', last=258), page_number('page', None, last=1)
    (3, 1)
    >>> page_number('page', '', last=0)
    1
    >>> page_number('registrations_page', 5000, last=258)
    Traceback (most recent call last):
    ...
    bilat.errors.ParameterError: registrations_page: 5000 is out of range; use 1 to 258
    """
    if text is None or text == "":
        return 1
    return whole_number(parameter, text, maximum=min(max(last, 1), MAX_PAGE))
