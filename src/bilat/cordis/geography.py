"""Where an organisation is: its US state, and whether its coordinates mean a location.

CORDIS gives US organisations a ZIP code, sometimes with the state (`TX 77251-1892`), sometimes
only a city (`OAKLAND CA`, `Boston`). A geolocation can point far away (Rice University's points
to Maine), so the state comes from the address. The ZIP code is the most specific part but
carries typos (the University of Michigan in Ann Arbor appears with `46109 1274`, an Indiana
prefix), and a city name can be shared by several states (Rochester, Durham). So each address
yields its evidence (the ZIP's state, and the state written or the city named), and where they
disagree the organisation's other rows and its name decide; a row with no address at all takes
its organisation's state. The basis of each answer is kept so a reader can judge it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
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
    any_name, names = _names_in_text()
    if any_name.search(upper) is None:  # most addresses name no state: one search says so
        return None
    for pattern, code in names:
        if pattern.search(upper):
            return code
    return None


@cache
def _names_in_text() -> tuple[re.Pattern[str], list[tuple[re.Pattern[str], str]]]:
    """State names as patterns, longest first ("West Virginia" before "Virginia"), and one
    pattern matching any of them; "Washington" alone is far more often the capital than the
    state, so it is left out."""
    ordered = [
        (name, code)
        for name, code in sorted(_state_names().items(), key=lambda item: -len(item[0]))
        if name != "WASHINGTON"
    ]
    names = [(re.compile(rf"\b{name}\b"), code) for name, code in ordered]
    return re.compile("|".join(rf"\b{name}\b" for name, _ in ordered)), names


def state_in_name(name: str | None) -> str | None:
    """A state an organisation's name holds: a state's full name, else a known city's.

    >>> state_in_name("UNIVERSITY OF NEW HAMPSHIRE"), state_in_name("Houston Methodist Hospital")
    ('NH', 'TX')
    >>> state_in_name("Mayo Clinic"), state_in_name("George Washington University")
    (None, None)
    """
    if not name:
        return None
    upper = " ".join(_WORD.findall(name.upper()))
    for pattern, code in _places_in_names():
        if pattern.search(upper):
            return code
    return None


@cache
def _places_in_names() -> list[tuple[re.Pattern[str], str]]:
    """State names, then city names, longest first ("West Virginia" before "Virginia");
    "Washington" is left out: in a name it is more often a person than a place."""
    found = []
    for table in (_state_names(), _cities()):
        for place, code in sorted(table.items(), key=lambda item: -len(item[0])):
            words = " ".join(_WORD.findall(place))
            if "WASHINGTON" not in words:
                found.append((re.compile(rf"\b{words}\b"), code))
    return found


@dataclass(frozen=True)
class Evidence:
    """What one US address says about its state: the ZIP code's, and the place's (a state
    written in the post code or city, else a known city) with which of the two it was."""

    zip: str | None
    place: str | None
    place_basis: str | None

    @property
    def conflict(self) -> bool:
        """Whether the ZIP code and the place name different states."""
        return bool(self.zip and self.place and self.zip != self.place)

    @property
    def plain(self) -> str | None:
        """The state when the address alone settles it (no conflict), else None."""
        return None if self.conflict else self.zip or self.place


def evidence(post_code: str | None, city: str | None) -> Evidence:
    """The evidence of a US address.

    >>> evidence('46109 1274', 'Ann Arbor')
    Evidence(zip='IN', place='MI', place_basis='city')
    >>> evidence('TX 77251-1892', 'Houston').plain, evidence(None, 'Chicago Illinois').plain
    ('TX', 'IL')
    """
    found = state_of_zip(post_code) or state_of_zip(city)
    written = state_in_text(post_code) or state_in_text(city)
    if written:
        return Evidence(found, written, "address")
    if city:
        known = _cities().get(" ".join(_WORD.findall(city.upper().replace(".", ". "))).strip())
        known = known or _cities().get(city.strip().upper())
        if known:
            return Evidence(found, known, "city")
    return Evidence(found, None, None)


def settle(
    seen: Evidence, *, name: str | None, organisation: str | None
) -> tuple[str | None, str | None]:
    """The state of one row and its basis (`zip`, `address`, `city`, `organisation`, `name`).

    `organisation` is the state the organisation's other rows give without conflict, `name`
    the state its name holds. When the ZIP code and the place disagree, each of them, the
    organisation and the name is a vote, and a tie keeps the ZIP code; a row without any
    address takes the organisation's state, else the one its name holds.

    >>> michigan = evidence('46109 1274', 'Ann Arbor')
    >>> settle(michigan, name='MI', organisation=None)
    ('MI', 'city')
    >>> settle(michigan, name=None, organisation=None)
    ('IN', 'zip')
    >>> rochester = evidence('55905', 'Rochester')  # the Mayo Clinic's, in Rochester MN
    >>> [settle(rochester, name=None, organisation=other) for other in (None, 'NY')]
    [('MN', 'zip'), ('NY', 'city')]
    >>> settle(evidence(None, None), name='TX', organisation='MA')
    ('MA', 'organisation')
    """
    if seen.zip and seen.place and seen.conflict:
        votes = Counter(state for state in (seen.zip, seen.place, name, organisation) if state)
        if votes[seen.place] > votes[seen.zip]:
            return seen.place, seen.place_basis
        return seen.zip, "zip"
    if seen.zip:
        return seen.zip, "zip"
    if seen.place:
        return seen.place, seen.place_basis
    if organisation:
        return organisation, "organisation"
    if name:
        return name, "name"
    return None, None
