"""What the warehouse holds, as the sources page shows it: per programme, which CORDIS tables
are loaded (and which are not), every file with its row accounting, and the rows kept aside.

A table that is not loaded stays `None` here, so the page can say "not loaded" instead of
showing a zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from bilat.cordis.layouts import USED_TABLES
from bilat.cordis.programme_parts import PROGRAMMES
from bilat.warehouse.store import Row, Warehouse

# What each warehouse table holds and which files it is made from, beside its row count: the
# projects of a programme whose project.csv is not loaded are still counted (every project
# named by its participations or topics), which read as a contradiction without it.
TABLE_NOTES = {
    "participations": "one row per organisation in a project, from organization.csv",
    "projects": "one row per project, from project.csv",
    "organisations": "one row per organisation (PIC), from the participations",
    "project_topics": "each project's call topic, from topics.csv",
    "project_legal_basis": "each project's programme parts, from legalBasis.csv",
    "project_fields": "each project's fields of science, from euroSciVoc.csv",
    "countries": "CORDIS country codes with their names and status",
    "quarantine": "rows kept aside or recovered, with the reason",
    "value_issues": "values read but doubtful (e.g. a negative amount), with the reason",
}
_PROJECTS_WITHOUT_FILE = (
    "one row per project named by the other tables; project.csv not loaded, so no "
    "titles, dates or amounts"
)


@dataclass(frozen=True)
class ProgrammeTables:
    """One programme's CORDIS tables: (label, loaded row or None) in reading order."""

    code: str
    title: str
    tables: list[tuple[str, Row | None]]
    dashboard: Row | None
    # The earlier record partner search reads (reduced participations, evidence only).
    record: Row | None = None


@dataclass(frozen=True)
class Holdings:
    """Everything the sources page lists, with the totals of the row accounting."""

    programmes: list[ProgrammeTables]
    files: list[Row]
    counts: list[Row]
    quarantined: list[Row]
    totals: dict[str, int]

    @property
    def record(self) -> bool:
        """Whether any programme has an earlier record for partner search."""
        return any(programme.record for programme in self.programmes)


def holdings(store: Warehouse, *, quarantined: int = 200) -> Holdings:
    """The warehouse's holdings, with at most `quarantined` rows kept aside listed."""
    loaded = store.programme_tables()
    files = store.sources()
    programmes = []
    for code, title in PROGRAMMES.items():
        tables = {row["kind"]: row for row in loaded if row["programme"] == code}
        programmes.append(
            ProgrammeTables(
                code=code,
                title=title,
                tables=[(label, tables.get(kind)) for kind, label in USED_TABLES.items()],
                dashboard=tables.get("dashboard"),
                record=tables.get("record_participations"),
            )
        )
    return Holdings(
        programmes=programmes,
        files=files,
        counts=[_noted(row, loaded) for row in store.table_counts()],
        quarantined=store.quarantine(limit=quarantined),
        totals={
            "read": sum(row["rows_read"] for row in files),
            "loaded": sum(row["rows_loaded"] for row in files),
            "quarantined": sum(row["rows_quarantined"] for row in files),
        },
    )


def _noted(row: Row, loaded: list[Row]) -> Row:
    """A table count with what the table holds and where it comes from."""
    note = TABLE_NOTES.get(str(row["table_name"]), "")
    if row["table_name"] == "projects" and not any(
        t["programme"] == row["programme"] and t["kind"] == "project" for t in loaded
    ):
        note = _PROJECTS_WITHOUT_FILE
    return {**row, "note": note}
