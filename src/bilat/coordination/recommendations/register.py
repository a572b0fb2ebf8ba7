"""The public register as a table: what its downloads (CSV, XLSX, JSON, Parquet) hold. It
names only published source events (`Recommendation.objects.public()`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa

from bilat.coordination.recommendations.models import Recommendation
from bilat.exports import text_table

COLUMNS = (
    "reference",
    "title",
    "text",
    "barrier",
    "addressee",
    "funder_type",
    "priority",
    "owner",
    "status",
    "source_events",
    "created",
    "updated",
)


def table(found: Iterable[Recommendation]) -> pa.Table:
    """The recommendations, one row each, with their labels as the register shows them."""
    rows = [
        {
            "reference": r.reference,
            "title": r.title,
            "text": r.text,
            "barrier": r.get_barrier_display(),
            "addressee": r.get_addressee_display(),
            "funder_type": r.get_funder_type_display(),
            "priority": r.get_priority_display(),
            "owner": r.owner,
            "status": r.get_status_display(),
            "source_events": "; ".join(e.title for e in r.public_sources()),
            "created": r.created.date().isoformat(),
            "updated": r.updated.date().isoformat(),
        }
        for r in found
    ]
    return text_table(
        COLUMNS,
        rows,
        title="Recommendations register",
        source="bilat coordination (public register)",
    )


@dataclass(frozen=True)
class Listed:
    """A recommendation as the register's page lists it, its labels put together in Python
    once (in the template, each label and link cost more than the row itself)."""

    pk: int
    reference: str
    title: str
    barrier: str
    addressee: str
    priority: str
    owner: str
    status: str
    sources: tuple[tuple[str, str], ...]  # (slug, title) of each published source event


def listed(found: Sequence[Recommendation]) -> list[Listed]:
    """The page's recommendations, in their order."""
    return [
        Listed(
            pk=r.pk,
            reference=r.reference,
            title=r.title,
            barrier=r.get_barrier_display(),
            addressee=r.get_addressee_display()
            + (f" · {r.get_funder_type_display()}" if r.funder_type != "any" else ""),
            priority=r.get_priority_display(),
            owner=r.owner,
            status=r.get_status_display(),
            sources=tuple((e.slug, e.title) for e in r.public_sources()),
        )
        for r in found
    ]
