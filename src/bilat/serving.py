"""The warehouse as the served site sees it: one shared read-only `Warehouse` per process.

The observatory pages, the API and the coordination pages that show CORDIS records all read
through this one reader, which reopens itself after an ingest swapped the file.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings

from bilat.warehouse.store import Warehouse


@cache
def warehouse() -> Warehouse:
    """The process's warehouse reader (it reopens itself after an ingest)."""
    return Warehouse(settings.BILAT_WAREHOUSE)
