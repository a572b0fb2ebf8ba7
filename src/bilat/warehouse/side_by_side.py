"""Independent steps of an ingest run at the same time, each on its own DuckDB cursor.

Many of the derived tables are built by statements too small for DuckDB to keep both cores
busy on its own, or by Python between statements; two steps that read the same tables and
write different ones then finish sooner side by side than one after the other. A cursor is a
connection of its own to the same database: it sees what was committed before the steps began,
and what a step registers or creates as TEMP stays on its cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Thread

import duckdb

Step = Callable[[duckdb.DuckDBPyConnection], None]


def side_by_side(con: duckdb.DuckDBPyConnection, *steps: Step) -> None:
    """Run `steps` at once: the first on `con`, each other one on a thread and cursor of its
    own; return when all have ended, raising the first failure (in the order given)."""
    failures: dict[int, BaseException] = {}

    def on_cursor(number: int, step: Step) -> None:
        try:
            with con.cursor() as cursor:
                step(cursor)
        except BaseException as error:  # carried to the caller below
            failures[number] = error

    threads = [
        Thread(target=on_cursor, args=(number, step), name=f"ingest-step-{number}")
        for number, step in enumerate(steps[1:], start=1)
    ]
    for thread in threads:
        thread.start()
    try:
        steps[0](con)
    except BaseException as error:
        failures[0] = error
    for thread in threads:
        thread.join()
    if failures:
        raise failures[min(failures)]
