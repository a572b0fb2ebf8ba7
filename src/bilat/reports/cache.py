"""Reports written once per warehouse version, then served from memory.

A PDF report costs seconds of CPU and its content depends only on the report, its parameters
and the warehouse; the warehouse changes only by being swapped whole (`Warehouse.generation`
changes with it). So a written report is kept under that identity: the next visitor asking for
the same report of the same data gets the same bytes at once, and a new ingest makes every
report be written afresh. Each server process keeps its own few reports (least recently used
first out).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from bilat.reports import make
from bilat.warehouse.store import Warehouse

ENTRIES = 32


@dataclass
class Counts:
    """How often a report was served from memory (hits) or written (misses)."""

    hits: int = 0
    misses: int = 0


COUNTS = Counts()
_MEMORY: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_LOCK = threading.Lock()


def report(
    warehouse: Warehouse, name: str, fmt: str, *, country: str, programme: str | None
) -> bytes:
    """Report `name` in `fmt` (pdf, html, xlsx), written once per warehouse version."""
    key = (str(warehouse.path), warehouse.generation, name, fmt, country, programme)
    with _LOCK:
        found = _MEMORY.get(key)
        if found is not None:
            _MEMORY.move_to_end(key)
            COUNTS.hits += 1
            return found
    document = make.build(warehouse, name, country=country, programme=programme)
    written = make.WRITERS[fmt](document)
    with _LOCK:
        COUNTS.misses += 1
        _MEMORY[key] = written
        while len(_MEMORY) > ENTRIES:
            _MEMORY.popitem(last=False)
    return written
