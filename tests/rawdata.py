"""Plain readings of the raw files, independent of bilat's reader, for expected values."""

from __future__ import annotations

import csv
import gzip
from decimal import Decimal
from functools import cache

from conftest import DATA, ROOT, TESTDATA


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


@cache
def he_fields() -> dict[str, set[tuple[str, str | None]]]:
    """Project ID to its (top-level, second-level) EuroSciVoc fields, from the path column;
    a path of one step has no second level."""
    fields: dict[str, set[tuple[str, str | None]]] = {}
    with gzip.open(
        DATA / "horizon-europe" / "euroSciVoc.csv.gz", "rt", encoding="utf-8", newline=""
    ) as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            steps = row["euroSciVocPath"].strip("/").split("/")
            fields.setdefault(row["projectID"], set()).add(
                (steps[0], steps[1] if len(steps) > 1 else None)
            )
    return fields


@cache
def he_call_years() -> dict[str, int]:
    """Project ID to the call year written in its topic code (HORIZON-CL5-2022-D3-01 → 2022)."""
    with gzip.open(
        DATA / "horizon-europe" / "topics.csv.gz", "rt", encoding="utf-8", newline=""
    ) as handle:
        years = {}
        for row in csv.DictReader(handle, delimiter=";"):
            found = [int(p) for p in row["topic"].split("-") if p.isdigit() and len(p) == 4]
            if found:
                years[row["projectID"]] = found[0]
        return years


@cache
def country_status(programme: str) -> dict[str, str]:
    """CORDIS country code to member_state / associated, from bilat's shipped list (data,
    read here with csv); every other country is a third country."""
    path = ROOT / "src" / "bilat" / "cordis" / "reference" / "country_status.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["cordis_code"]: row["status"]
            for row in csv.DictReader(handle, delimiter=";")
            if row["programme"] == programme
        }


def legacy_rows(name: str) -> list[dict[str, str]]:
    """A pre-2021 CORDIS extract under tests/data (BOM, Windows-1252, `;`)."""
    with (TESTDATA / name).open(encoding="cp1252", newline="") as handle:
        text = handle.read().removeprefix("ï»¿")  # the UTF-8 BOM as Windows-1252 reads it
    return list(csv.DictReader(text.splitlines(), delimiter=";"))


# The pillar of a Horizon Europe legal basis, as the Commission's list of associated countries
# names it: only Pillar II limits an association today.
_HE_PILLARS = {"HORIZON.2": "Global Challenges and European Industrial Competitiveness"}


@cache
def _he_rules() -> dict[str, list[dict[str, str]]]:
    path = ROOT / "src" / "bilat" / "cordis" / "reference" / "country_status.csv"
    rules: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for rule in csv.DictReader(handle, delimiter=";"):
            if rule["programme"] == "HE":
                rules.setdefault(rule["cordis_code"], []).append(rule)
    return rules


def he_status_in_force(row: dict[str, str]) -> str:
    """The status of a Horizon Europe organisation row's country for that participation: a
    rule of the shipped list holds from its call year `since` (read from the topic code) in
    its `pillar` (read from the project's legal basis); no rule, a third country."""
    rules = _he_rules().get(row["country"], [])
    year = he_call_years().get(row["projectID"])
    code = he_unique_parts().get(row["projectID"], "")
    pillar = _HE_PILLARS.get(".".join(code.split(".")[:2]))
    for rule in rules:
        dated = not rule["since"] or (year is not None and year >= int(rule["since"]))
        if dated and rule["pillar"] in ("", pillar):
            return rule["status"]
    return "third_country"
