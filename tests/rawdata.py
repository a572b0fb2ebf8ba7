"""Plain readings of the raw files, independent of bilat's reader, for expected values."""

from __future__ import annotations

import csv
import gzip
from decimal import Decimal
from functools import cache

from conftest import DATA


@cache
def he_organisations() -> tuple[dict[str, str], ...]:
    """Every row of the bundled Horizon Europe organization table, read with Python's csv."""
    with gzip.open(
        DATA / "horizon-europe" / "organization.csv.gz", "rt", encoding="utf-8", newline=""
    ) as handle:
        return tuple(csv.DictReader(handle, delimiter=";"))


@cache
def he_unique_parts() -> dict[str, str]:
    """Project ID to the legal basis marked as its unique programme part."""
    with gzip.open(
        DATA / "horizon-europe" / "legalBasis.csv.gz", "rt", encoding="utf-8", newline=""
    ) as handle:
        return {
            row["projectID"]: row["legalBasis"]
            for row in csv.DictReader(handle, delimiter=";")
            if row["uniqueProgrammePart"] == "true"
        }


def money(text: str) -> Decimal:
    """An amount as CORDIS writes it, with either decimal mark; empty is zero."""
    return Decimal(text.replace(",", ".")) if text else Decimal(0)
