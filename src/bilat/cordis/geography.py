"""Where an organisation is: its US state, and whether its coordinates mean a location.

CORDIS gives US organisations a ZIP code, sometimes with the state (`TX 77251-1892`), sometimes
only a city (`OAKLAND CA`, `Boston`). The ZIP code is the most reliable: a geolocation can point
far away (Rice University's points to Maine), so the state comes from the ZIP code first, then
from a state written in the post code or city, then from a short list of known cities. The
basis of each answer is kept so a reader can judge it.
"""

from __future__ import annotations

import re
from functools import cache

from bilat.cordis.reference import rows

_ZIP = re.compile(r"(?<!\d)(\d{5})(?:[- ]?\d{4})?(?!\d)")
_WORD = re.compile(r"[A-Za-z]+")

# Geocoders return the centre of the country when they know nothing better; for the US that
# is this point in Kansas, which CORDIS uses for organisations whose address was not found.
PLACEHOLDER_POINTS = frozenset({(39.7837304, -100.4458825)})


@cache
def _zip_ranges() -> list[tuple[int, int, str]]:
    return [(int(row["first"]), int(row["last"]), row["state"]) for row in rows("us_zip_prefixes")]


@cache
def _state_names() -> dict[str, str]:
    return {row["name"].upper(): row["code"] for row in rows("us_states")}


@cache
def _cities() -> dict[str, str]:
    return {row["city"].upper(): row["state"] for row in rows("us_cities")}


def state_of_zip(text: str | None) -> str | None:
    """The state whose ZIP prefix range holds the first 5-digit ZIP code in the text."""
    if not text:
        return None
    found = _ZIP.search(text)
    if found is None:
        return None
    prefix = int(found.group(1)[:3])
    for first, last, state in _zip_ranges():
        if first <= prefix <= last:
            return state
    return None


def state_in_text(text: str | None) -> str | None:
    """A state written out in an address text: a trailing code (`OAKLAND CA`) or a name."""
    if not text:
        return None
    codes = set(_state_names().values())
    words: list[str] = _WORD.findall(text.upper())
    if words and words[-1] in codes and (len(words) > 1 or text.strip().upper() == words[-1]):
        return words[-1]
    upper = " ".join(words)
    for name, code in sorted(_state_names().items(), key=lambda item: -len(item[0])):
        # "Washington" alone is far more often the capital than the state.
        if name != "WASHINGTON" and re.search(rf"\b{name}\b", upper):
            return code
    return None


def us_state(post_code: str | None, city: str | None) -> tuple[str | None, str | None]:
    """The state of a US address and what it was read from (`zip`, `address`, `city`).

    >>> us_state('94607', 'OAKLAND CA'), us_state('TX 77251-1892', 'Houston')
    (('CA', 'zip'), ('TX', 'zip'))
    >>> us_state(None, 'Boston'), us_state(None, 'Chicago Illinois'), us_state('MA', 'Marshfield')
    (('MA', 'city'), ('IL', 'address'), ('MA', 'address'))
    """
    for text in (post_code, city):
        state = state_of_zip(text)
        if state:
            return state, "zip"
    for text in (post_code, city):
        state = state_in_text(text)
        if state:
            return state, "address"
    if city:
        state = _cities().get(" ".join(_WORD.findall(city.upper().replace(".", ". "))).strip())
        state = state or _cities().get(city.strip().upper())
        if state:
            return state, "city"
    return None, None
