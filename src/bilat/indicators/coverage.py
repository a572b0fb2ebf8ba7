"""What the warehouse holds for each programme: whether its participations and its project
table are loaded, the snapshot date, and which years are still incomplete.

Pages, reports and exports read this so that missing data is said to be missing: a programme
whose participations are not loaded is "not loaded", never a column of zeros, and the latest
call year of a running programme is "incomplete", not a collapse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bilat.cordis.programme_parts import PROGRAMMES
from bilat.cordis.reference import rows
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

# The tables that give a programme its participations: the CORDIS organization table, else a
# Horizon Dashboard export.
PARTICIPATION_TABLES = ("organization", "dashboard")


@dataclass(frozen=True)
class Programme:
    """One framework programme as loaded (or not) in the warehouse."""

    code: str
    title: str
    participations: bool  # its organization table (or a Dashboard export) is loaded
    projects: bool  # its project table is loaded: start dates, funding schemes, amounts
    snapshot: date | None  # the snapshot date of its participations
    year_basis: str | None  # "start" or "call": how the year of its participations is read
    first_year: int | None
    latest_year: int | None
    incomplete_from: int | None  # the first year still incomplete at the snapshot date
    # Incomplete years that have barely begun: too few participations loaded to mean anything
    # (call year 2024 over a June 2024 table: 12, against 28,413 in the smallest whole year).
    just_begun: tuple[int, ...] = ()

    @property
    def incomplete_years(self) -> range:
        if self.incomplete_from is None or self.latest_year is None:
            return range(0)
        return range(self.incomplete_from, self.latest_year + 1)


@dataclass(frozen=True)
class Coverage:
    """Every programme bilat knows, loaded or not, in programme order."""

    programmes: tuple[Programme, ...]

    def get(self, code: str) -> Programme:
        return next(p for p in self.programmes if p.code == code)

    @property
    def loaded(self) -> tuple[Programme, ...]:
        """The programmes whose participations are loaded."""
        return tuple(p for p in self.programmes if p.participations)

    @property
    def missing(self) -> tuple[Programme, ...]:
        """The programmes whose participations are not loaded."""
        return tuple(p for p in self.programmes if not p.participations)

    def is_incomplete(self, programme: str, year: int | None) -> bool:
        """Whether a programme's year was still being signed at its snapshot date."""
        if year is None or programme not in PROGRAMMES:
            return False
        return year in self.get(programme).incomplete_years

    def just_begun(self, programme: str, year: int | None) -> bool:
        """Whether a programme's year is incomplete and holds too few participations yet to
        say anything of it (see `just_begun`)."""
        if year is None or programme not in PROGRAMMES:
            return False
        return year in self.get(programme).just_begun


# An incomplete year with fewer participations than this part of the programme's smallest
# complete year has barely begun: its figures are left out rather than drawn as a collapse.
BEGUN = 0.1


def just_begun(counts: dict[int, int], incomplete: range) -> tuple[int, ...]:
    """The incomplete years holding fewer participations than `BEGUN` times the programme's
    smallest complete year (none when no year is complete yet).

    >>> just_begun({2021: 28413, 2022: 31488, 2023: 20316, 2024: 12}, range(2023, 2025))
    (2024,)
    """
    whole = [n for year, n in counts.items() if year not in incomplete]
    if not whole:
        return ()
    return tuple(year for year in incomplete if counts.get(year, 0) < BEGUN * min(whole))


def incomplete_from(snapshot: date | None, basis: str | None) -> int | None:
    """The first year whose grants were not all signed and published at the snapshot date.

    Grants are signed up to about a year after their call closes, and calls of year Y close
    until early Y+1: by call year, the snapshot's year and the one before are incomplete; by
    start year, projects starting in the snapshot's year are still being signed.

    >>> incomplete_from(date(2024, 5, 29), "call"), incomplete_from(date(2024, 5, 29), "start")
    (2023, 2024)
    """
    if snapshot is None or basis is None:
        return None
    return snapshot.year - 1 if basis == "call" else snapshot.year


def coverage(warehouse: Warehouse) -> Coverage:
    """What is loaded for each programme (read once per warehouse file)."""
    tables: dict[str, dict[str, date | None]] = {}
    for row in warehouse.lookup("SELECT programme, kind, snapshot_date FROM programme_tables"):
        tables.setdefault(row["programme"], {})[row["kind"]] = row["snapshot_date"]
    counts: dict[str, dict[int, int]] = {}
    for row in warehouse.lookup(
        "SELECT programme, year, count(*) AS n FROM participation_facts "
        "WHERE year IS NOT NULL GROUP BY programme, year"
    ):
        counts.setdefault(row["programme"], {})[row["year"]] = row["n"]
    years = {
        row["programme"]: row
        for row in warehouse.lookup(
            "SELECT programme, min(year) AS first_year, max(year) AS latest_year, "
            "mode(year_basis) AS basis FROM participation_facts WHERE year IS NOT NULL "
            "GROUP BY programme"
        )
    }
    programmes = []
    for code, title in PROGRAMMES.items():
        kinds = tables.get(code, {})
        snapshots = [day for k in PARTICIPATION_TABLES if (day := kinds.get(k))]
        snapshot = max(snapshots) if snapshots else None
        found = years.get(code, {})
        latest, basis = found.get("latest_year"), found.get("basis")
        first = incomplete_from(snapshot, basis)
        if first is not None and (latest is None or first > latest):
            first = None
        incomplete = range(first, latest + 1) if first is not None and latest else range(0)
        programmes.append(
            Programme(
                code=code,
                title=title,
                participations=any(k in kinds for k in PARTICIPATION_TABLES),
                projects="project" in kinds,
                snapshot=snapshot,
                year_basis=basis,
                first_year=found.get("first_year"),
                latest_year=latest,
                incomplete_from=first,
                just_begun=just_begun(counts.get(code, {}), incomplete),
            )
        )
    return Coverage(tuple(programmes))


# The filters whose values the participations carry, by the column that holds them.
FOUND_IN = {
    "programme_part": "programme_part",
    "scheme_group": "scheme_group",
    "role": "role",
    "organisation_type": "activity_type",
}


def present(warehouse: Warehouse) -> dict[str, frozenset[str]]:
    """The values of each filter of `FOUND_IN` that some loaded participation has: a form
    offers no value that could only answer "no participation" (a role of FP7 over Horizon
    Europe alone, a scheme group without the project table)."""
    lists = ", ".join(
        f"list(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL) AS {name}"
        for name, column in FOUND_IN.items()
    )
    [row] = warehouse.lookup(f"SELECT {lists} FROM participation_facts")
    return {name: frozenset(row[name] or ()) for name in FOUND_IN}


def begun_only(programme: Programme, year_from: int | None, year_to: int | None) -> list[int]:
    """The years of `programme` the year filter asks for, when every one of them has barely
    begun (see `just_begun`): their figures are missing, not 0. Empty otherwise, and when the
    filter leaves the years open."""
    if year_from is None and year_to is None:
        return []
    if programme.first_year is None or programme.latest_year is None:
        return []
    first = max(programme.first_year, year_from or programme.first_year)
    last = min(programme.latest_year, year_to or programme.latest_year)
    years = list(range(first, last + 1))
    return years if years and all(y in programme.just_begun for y in years) else []


def barely_begun(cover: Coverage, scope: Scope) -> str:
    """Why the scope's figures are missing where its years have barely begun in every
    programme it covers that holds them, else nothing."""
    f = scope.filters
    found = []
    for code in scope.programmes:
        programme = cover.get(code)
        years = begun_only(programme, f.year_from, f.year_to)
        if years:
            span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
            found.append(f"{programme.year_basis or ''} year {span} of {programme.title}".strip())
    if not found:
        return ""
    which = "; ".join(found)
    return (
        f"{which[:1].upper()}{which[1:]}: barely begun at the snapshot "
        "date of the participations (fewer participations loaded in all than a tenth of the "
        "programme's smallest complete year, as its grants are still being signed), so it has "
        "no figures yet: missing, not 0."
    )


def _titles(programmes: Iterable[Programme]) -> str:
    return " and ".join(p.title for p in programmes)


def gaps(cover: Coverage, scope: Scope) -> list[str]:
    """Sentences saying which of the scope's filters ask for data that is not loaded, so that
    an empty answer says why it is empty."""
    filters = scope.filters
    found = []
    chosen = [cover.get(code) for code in filters.programmes]
    unloaded = [p for p in chosen if not p.participations]
    if unloaded:
        verb = "is" if len(unloaded) == 1 else "are"
        found.append(
            f"{_titles(unloaded)} {verb} not loaded: the participations (the CORDIS "
            "organization table) are not in this warehouse."
        )
    covered = [cover.get(code) for code in scope.programmes]
    if filters.scheme_groups and covered and not any(p.projects for p in covered):
        found.append(
            "Scheme groups are read from the funding scheme of the project table, which is "
            f"not loaded for {_titles(covered)}: no participation can be placed in a scheme "
            "group."
        )
    part_programmes = {row["prefix"]: row["programme"] for row in rows("programme_parts")}
    elsewhere = {
        part_programmes[code] for code in filters.programme_parts if code in part_programmes
    }
    if filters.programme_parts and not elsewhere & set(scope.programmes):
        missing = [cover.get(code) for code in PROGRAMMES if code in elsewhere]
        verb = "is" if len(missing) == 1 else "are"
        why = (
            "not loaded"
            if all(not p.participations for p in missing)
            else "left out by the programme filter"
        )
        found.append(
            f"The programme part chosen is a part of {_titles(missing)}, which {verb} {why}."
        )
    if begun := barely_begun(cover, scope):
        found.append(begun)
    spans = [(p.first_year, p.latest_year) for p in covered if p.first_year and p.latest_year]
    if (filters.year_from or filters.year_to) and spans:
        first, last = min(s[0] for s in spans), max(s[1] for s in spans)
        if (filters.year_to or last) < first or (filters.year_from or first) > last:
            found.append(
                f"The participations loaded, of {_titles(covered)}, are of the years "
                f"{first}-{last}."
            )
    return found
