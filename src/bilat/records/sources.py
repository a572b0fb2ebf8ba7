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


@dataclass(frozen=True)
class ProgrammeTables:
    """One programme's CORDIS tables: (label, loaded row or None) in reading order."""

    code: str
    title: str
    tables: list[tuple[str, Row | None]]
    dashboard: Row | None


@dataclass(frozen=True)
class Holdings:
    """Everything the sources page lists, with the totals of the row accounting."""

    programmes: list[ProgrammeTables]
    files: list[Row]
    counts: list[Row]
    quarantined: list[Row]
    totals: dict[str, int]


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
            )
        )
    return Holdings(
        programmes=programmes,
        files=files,
        counts=store.table_counts(),
        quarantined=store.quarantine(limit=quarantined),
        totals={
            "read": sum(row["rows_read"] for row in files),
            "loaded": sum(row["rows_loaded"] for row in files),
            "quarantined": sum(row["rows_quarantined"] for row in files),
        },
    )
