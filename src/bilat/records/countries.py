"""The countries a visitor can pick: those with participations in the warehouse.

Every page offers a country picker; it lists only countries whose organisations take part in
a programme loaded, so that no choice leads to a profile of nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bilat.warehouse.store import Warehouse


@dataclass(frozen=True)
class Country:
    """A country as the picker offers it: CORDIS code, ISO code, name, participations."""

    code: str
    iso: str
    name: str
    participations: int


def participating(warehouse: Warehouse) -> list[Country]:
    """Every country with at least one participation loaded, by name."""
    found = warehouse.lookup(
        """SELECT f.country AS code, any_value(c.iso_code) AS iso, any_value(c.name) AS name,
                  count(*) AS participations
           FROM participation_facts f LEFT JOIN countries c ON c.cordis_code = f.country
           WHERE f.country IS NOT NULL GROUP BY f.country"""
    )
    countries = [
        Country(
            str(row["code"]),
            str(row["iso"] or row["code"]),
            str(row["name"] or row["code"]),
            int(row["participations"]),
        )
        for row in found
    ]
    return sorted(countries, key=lambda country: country.name.casefold())
