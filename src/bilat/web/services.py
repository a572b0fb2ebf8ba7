"""The warehouse as the web pages see it: one shared read-only `Warehouse` per process."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from bilat.warehouse.store import Warehouse


@cache
def warehouse() -> Warehouse:
    """The process's warehouse reader (it reopens itself after an ingest)."""
    return Warehouse(settings.BILAT_WAREHOUSE)
