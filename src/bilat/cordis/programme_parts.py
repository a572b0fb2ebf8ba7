"""Legal basis codes, mapped to the programme parts that reports break figures down by.

A legal basis such as `H2020-EU.3.1.2.` or `HORIZON.2.5` names a line of the programme's
legal act. Reports speak of its part (H2020 societal challenge "Health", HE cluster "Climate,
Energy and Mobility", FP7 theme "ICT") and pillar. Codes are matched to the longest known
prefix, ignoring the trailing dot that some H2020 codes carry and others do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bilat.cordis.reference import rows

PROGRAMMES = {
    "FP7": "FP7 (2007-2013)",
    "H2020": "Horizon 2020 (2014-2020)",
    "HE": "Horizon Europe (2021-2027)",
}


@dataclass(frozen=True)
class ProgrammePart:
    """Where a legal basis sits in its programme."""

    programme: str
    code: str
    pillar: str
    part: str


def normalise_code(code: str) -> str:
    """A legal basis code without surrounding blanks or a trailing dot.

    >>> normalise_code(' H2020-EU.3.4.5. ')
    'H2020-EU.3.4.5'
    """
    return code.strip().rstrip(".")


@cache
def _table() -> dict[str, ProgrammePart]:
    return {
        row["prefix"].upper(): ProgrammePart(
            row["programme"], row["prefix"], row["pillar"], row["part"]
        )
        for row in rows("programme_parts")
    }


def programme_part(code: str | None) -> ProgrammePart | None:
    """The part of the longest known prefix of a legal basis code, or None.

    >>> programme_part('H2020-EU.3.1.2.').part, programme_part('HORIZON.2.5').part
    ('Health', 'Climate, Energy and Mobility')
    >>> programme_part('FP7-IDEAS-ERC').pillar
    'Ideas'
    """
    if not code:
        return None
    folded = normalise_code(code).upper()
    table = _table()
    candidate = folded
    while candidate:
        found = table.get(candidate)
        if found is not None:
            return found
        cut = max(candidate.rfind("."), candidate.rfind("-"))
        if cut <= 0:
            return None
        candidate = candidate[:cut]
    return None


def programme_of_code(code: str | None) -> str | None:
    """The framework programme a legal basis or topic code belongs to, when the code says so.

    >>> codes = ('HORIZON.1.2', 'EURATOM2027', 'H2020-EU.1.', 'FP7-ICT', 'X')
    >>> [programme_of_code(c) for c in codes]
    ['HE', 'HE', 'H2020', 'FP7', None]
    """
    if not code:
        return None
    folded = code.strip().upper()
    if folded.startswith(("HORIZON", "EURATOM2027", "EURATOM-2027")):
        return "HE"
    if folded.startswith("H2020"):
        return "H2020"
    if folded.startswith("FP7"):
        return "FP7"
    return None
