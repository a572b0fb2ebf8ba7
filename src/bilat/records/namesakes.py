"""CORDIS organisations as candidates for a directory organisation's PIC: the organisations of
one country with their latest names, and one organisation by its PIC. The coordination side
scores the names (`bilat.coordination.stakeholders.matching`); the warehouse is read here."""

from __future__ import annotations

from dataclasses import dataclass

from bilat.warehouse.store import Warehouse


@dataclass(frozen=True)
class Namesake:
    """A CORDIS organisation as a match candidate shows it."""

    pic: int
    name: str
    country: str
    city: str
    participations: int


_COLUMNS = """pic, name, COALESCE(country_iso, '') AS country, COALESCE(city, '') AS city,
              participations"""


def organisations_in(warehouse: Warehouse, country: str) -> list[Namesake]:
    """Every CORDIS organisation of `country` (ISO code), most active first."""
    rows = warehouse.query(
        f"""SELECT {_COLUMNS} FROM organisations
            WHERE country_iso = $country AND name IS NOT NULL
            ORDER BY participations DESC, pic""",
        {"country": country},
    )
    return [Namesake(**row) for row in rows]


def organisation_of(warehouse: Warehouse, pic: int) -> Namesake | None:
    """The CORDIS organisation with this PIC, or None when no participation names it."""
    rows = warehouse.query(f"SELECT {_COLUMNS} FROM organisations WHERE pic = $pic", {"pic": pic})
    return Namesake(**rows[0]) if rows else None
