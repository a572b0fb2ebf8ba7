"""The public register as a table: what its downloads (CSV, XLSX, JSON, Parquet) hold. It
names only published source events (`Recommendation.objects.public()`)."""

from __future__ import annotations

from collections.abc import Iterable

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
