"""Countries of stakeholders: codes from what people type, and the side each is on.

People write "United States", "USA", "us" or "Deutschland"; bilat stores ISO 3166 codes and
derives the side of the Atlantic from them (the EU's member states are the EU side).
"""

from __future__ import annotations

from functools import cache

from bilat.coordination.vocabulary import Side
from bilat.cordis import reference

_ALIASES = {
    "USA": "US",
    "UNITED STATES OF AMERICA": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "UK": "GB",
    "EL": "GR",
    "GREAT BRITAIN": "GB",
}


@cache
def _codes() -> dict[str, str]:
    found: dict[str, str] = {}
    for row in reference.rows("countries"):
        found[row["iso_code"].upper()] = row["iso_code"]
        found[row["cordis_code"].upper()] = row["iso_code"]
        found[row["name"].upper()] = row["iso_code"]
    return found


@cache
def names() -> dict[str, str]:
    """ISO code → English name of every country that exists today (the choices people are
    offered); codes of countries that no longer exist are left out."""
    return {
        row["iso_code"]: row["name"]
        for row in reference.rows("countries")
        if row["current"] == "yes"  # not Yugoslavia, nor Kosovo's older CORDIS code
    }


@cache
def _member_states() -> frozenset[str]:
    cordis = {
        row["cordis_code"]
        for row in reference.rows("country_status")
        if row["programme"] == "HE" and row["status"] == "member_state"
    }
    return frozenset(_codes()[code] for code in cordis)


def country_code(text: str) -> str | None:
    """The ISO code of a country given by code or English name; None when not recognised."""
    key = " ".join(text.split()).upper()
    key = _ALIASES.get(key, key)
    return _codes().get(key)


def side_of(code: str) -> str:
    """EU for a member state, US for the United States, other otherwise."""
    if code == "US":
        return Side.US
    return Side.EU if code in _member_states() else Side.OTHER
