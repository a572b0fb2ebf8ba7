"""A web process keeps answering while an ingest swaps the warehouse file under it: a query
that has its cursor finishes on the old file, the next one reads the new file, and neither
fails with DuckDB's "connection already closed"; an export being streamed keeps the old file
until it ends, and the process never stays on the old file after that."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import duckdb

from bilat.warehouse.store import Warehouse


def _marked(source: Path, target: Path, mark: int) -> None:
    shutil.copy(source, target)
    con = duckdb.connect(str(target))
    con.sql(f"CREATE TABLE swap_mark AS SELECT {mark} AS mark")
    con.close()


def _two_files(bundled: Path, folder: Path) -> tuple[Path, Path, Warehouse]:
    """The served file (marked 1), the one an ingest will swap in (marked 2), and a reader
    of the served one."""
    path, new = folder / "warehouse.duckdb", folder / "new.duckdb"
    _marked(bundled, path, 1)
    _marked(bundled, new, 2)
    return path, new, Warehouse(path)


def test_a_swap_waits_for_the_query_in_flight_and_the_next_one_reads_the_new_file(
    bundled_path: Path, tmp_path: Path
) -> None:
    path, new, warehouse = _two_files(bundled_path, tmp_path)
    assert warehouse.query("SELECT mark FROM swap_mark") == [{"mark": 1}]
    has_cursor, swapped = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def in_flight() -> None:
        with warehouse._reading() as cursor:
            has_cursor.set()
            swapped.wait(10)
            seen["in flight"] = cursor.sql("SELECT mark FROM swap_mark").fetchall()

    def next_one() -> None:
        seen["next"] = warehouse.query("SELECT mark FROM swap_mark")

    first = threading.Thread(target=in_flight)
    first.start()
    assert has_cursor.wait(10)
    new.replace(path)
    second = threading.Thread(target=next_one)
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the swap did not wait for the query in flight"
    swapped.set()
    first.join(10)
    second.join(10)
    assert seen == {"in flight": [(1,)], "next": [{"mark": 2}]}


def test_batches_being_read_put_the_swap_off_until_they_end(
    bundled_path: Path, tmp_path: Path
) -> None:
    path, new, warehouse = _two_files(bundled_path, tmp_path)
    total = warehouse.query("SELECT count(*) AS n FROM participations")[0]["n"]
    reader = warehouse.batches("SELECT pic FROM participations", rows=1000)
    read = next(reader).num_rows
    new.replace(path)
    assert warehouse.query("SELECT mark FROM swap_mark") == [{"mark": 1}]
    read += sum(batch.num_rows for batch in reader)
    assert read == total
    assert warehouse.query("SELECT mark FROM swap_mark") == [{"mark": 2}]
