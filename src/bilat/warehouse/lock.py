"""One ingest at a time per warehouse: a lock file beside it, and the leftovers of killed runs.

Each ingest copies the current warehouse, changes the copy and swaps it in. Two ingests that
copy the same file both succeed and the last swap wins, losing what the other loaded; so an
ingest holds an exclusive `flock` on `.<name>.lock` from before it reads the warehouse until
after its swap, and a second one waits. The kernel releases the lock when its holder dies,
so a killed ingest never blocks the next; the next one removes the building file (and the
staging folder) it left.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def lock_path(warehouse: Path) -> Path:
    """The lock file of a warehouse: hidden, beside it (it stays there, empty)."""
    return warehouse.with_name(f".{warehouse.name}.lock")


def building_path(warehouse: Path) -> Path:
    """Where this process builds the next warehouse before swapping it in."""
    return warehouse.with_name(f".{warehouse.name}.building-{os.getpid()}")


def staging_path(warehouse: Path) -> Path:
    """Where this process keeps the parsed tables and DuckDB's spill while it ingests (a
    folder whose name the leftovers of a killed ingest are recognised by, like the building
    file's)."""
    return warehouse.with_name(f".{warehouse.name}.building-{os.getpid()}.staging")


@contextmanager
def exclusive(warehouse: Path, *, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the warehouse's ingest lock; call `waiting` first if another ingest holds it."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with lock_path(warehouse).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            _remove_leftovers(warehouse)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(warehouse: Path) -> None:
    """Delete the building files of ingests that were killed: whoever holds the lock is the
    only one building, so any building file found now belongs to a dead process."""
    for leftover in warehouse.parent.glob(f".{warehouse.name}.building-*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
