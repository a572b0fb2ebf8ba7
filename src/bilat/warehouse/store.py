"""Reading the warehouse: one read-only connection, reopened when an ingest swaps the file.

Web processes, the CLI and reports read through `Warehouse`; none of them writes. After
`bilat ingest` replaces the file, the next call notices the new file and reopens it.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from bilat.errors import WarehouseMissingError, WarehouseOutdatedError
from bilat.warehouse.derive import VERSION, version_of

Row = dict[str, Any]
_FORGETTINGS = itertools.count(1)

# How every listing names a file: `archive.zip!member.csv` for zip members, as ingest does.
_LABEL = "s.path || COALESCE('!' || s.member, '') AS label"

# Tables a newcomer wants counted on the sources page, in reading order.
COUNTED_TABLES = (
    "participations",
    "projects",
    "organisations",
    "project_topics",
    "project_legal_basis",
    "project_fields",
    "countries",
    "quarantine",
    "value_issues",
)


def _check_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a warehouse whose derived tables another version of bilat built: an earlier
    one (ingest again), or a later one (a server not restarted after an upgrade)."""
    found = version_of(con)
    if found is not None and found > VERSION:
        raise WarehouseOutdatedError(
            f"the warehouse at {path} was built by a later bilat (derived tables version "
            f"{found}, this one reads {VERSION}); restart this server or program so that it "
            "runs the bilat that built it"
        )
    if found != VERSION:
        raise WarehouseOutdatedError(
            f"the warehouse at {path} was built by an earlier bilat; run `bilat ingest` on "
            "the same files again to rebuild its derived tables"
        )


class Warehouse:
    """A read-only view of the warehouse file at `path`.

    Queries run in parallel on cursors of one connection. Small results are remembered until
    the file changes: the warehouse only changes by being swapped whole, so a repeated
    indicator or page needs no second query.
    """

    CACHE_ENTRIES = 512
    CACHE_MAX_ROWS = 5_000

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # notified when a query has its result
        self._queries = 0  # threads between taking a cursor and holding its result
        self._streams = 0  # readers of batches still open
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int] | None = None
        self._cache: OrderedDict[str, pa.Table] = OrderedDict()
        # Changed by each forget(), so that caches built on this reader follow; numbered for
        # the whole process, so that a second reader of the same file never reuses a number
        # under which the first one's answers were kept.
        self.forgotten = 0
        self._lookups: dict[tuple[tuple[int, int], str], list[Row]] = {}

    def _current(self) -> duckdb.DuckDBPyConnection:
        """The connection to the file this reader answers from, swapped to the file now at
        the path when it can be (see `_reading`); called with the lock held."""
        identity = self._file_identity()
        if self._con is not None and identity != self._identity and not self._streams:
            self._idle.wait_for(lambda: self._queries == 0)
            self._con.close()
            self._con = None
        if self._con is None:
            con = duckdb.connect(str(self.path), read_only=True)
            try:
                _check_version(con, self.path)
            except WarehouseOutdatedError:
                con.close()
                raise
            self._con, self._identity = con, identity
            self._cache.clear()
        return self._con

    @contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the current file for one query, reopening the file (and forgetting
        results) if an ingest swapped it.

        DuckDB shares one database per open path: the old file must be closed before the new
        one at the same path can be opened, a cursor of the closed connection fails, and while
        a reader of batches is open the old database stays open under the path. So a swap
        waits until no other thread is between taking its cursor and holding its result
        (milliseconds), and is put off while batches are being read (an export to a slow
        client): until then the old file answers, whole and consistent.
        """
        with self._idle:
            con = self._current()
            cursor = con.cursor()
            self._queries += 1
        try:
            yield cursor
        finally:
            cursor.close()
            with self._idle:
                self._queries -= 1
                self._idle.notify_all()

    def arrow(self, sql: str, params: object = None) -> pa.Table:
        """The result of a read-only query as an Arrow table (what indicators return)."""
        key = f"{sql}\x00{params!r}"
        with self._reading() as cursor:
            with self._lock:
                found = self._cache.get(key)
                if found is not None:
                    self._cache.move_to_end(key)
            if found is not None:
                return found
            table = cursor.sql(sql, params=params).to_arrow_table()
            if table.num_rows <= self.CACHE_MAX_ROWS:  # before a swap may clear the cache
                with self._lock:
                    self._cache[key] = table
                    while len(self._cache) > self.CACHE_ENTRIES:
                        self._cache.popitem(last=False)
        return table

    def batches(self, sql: str, params: object = None, *, rows: int) -> Iterator[pa.RecordBatch]:
        """The result of a large read-only query in batches of `rows`, read as they are used
        and never cached: an export of a million rows is never held whole in memory."""
        with self._reading() as cursor:
            reader = cursor.sql(sql, params=params).to_arrow_reader(rows)
            with self._lock:
                self._streams += 1
        try:
            yield from reader
        finally:
            del reader
            with self._lock:
                self._streams -= 1

    def query(self, sql: str, params: object = None) -> list[Row]:
        """Rows of a read-only query as dictionaries."""
        return list(self.arrow(sql, params).to_pylist())

    def lookup(self, sql: str) -> list[Row]:
        """Rows of a small reference query (the programmes loaded, the country list), kept
        until the file changes, even across forget(): every parameter check reads them."""
        with self._reading() as cursor:
            with self._lock:
                assert self._identity is not None
                key = (self._identity, sql)
                found = self._lookups.get(key)
            if found is None:
                found = cursor.sql(sql).to_arrow_table().to_pylist()
                with self._lock:
                    self._lookups = {k: v for k, v in self._lookups.items() if k[0] == key[0]}
                    self._lookups[key] = found
        return list(found)

    @property
    def generation(self) -> tuple[int, int]:
        """Identifies the content this reader answers from (the file's inode and time): it
        changes when an ingest swaps the file and the reader follows. Caches of answers key
        on it, so that an answer is never kept under the wrong file."""
        with self._idle:
            self._current()
            assert self._identity is not None
            return self._identity

    def _file_identity(self) -> tuple[int, int]:
        """Identifies the file now at the path."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise WarehouseMissingError(
                f"no warehouse at {self.path}; build one with `bilat ingest PATH...`"
            ) from None
        return (stat.st_ino, stat.st_mtime_ns)

    def forget(self) -> None:
        """Drop the remembered results (the next queries run again)."""
        with self._lock:
            self._cache.clear()
            self.forgotten = next(_FORGETTINGS)

    def close(self) -> None:
        """Close the connection once no query is running (it reopens on the next query)."""
        with self._idle:
            self._idle.wait_for(lambda: self._queries == 0)
            if self._con is not None:
                self._con.close()
                self._con = None
                self._cache.clear()

    def sources(self) -> list[Row]:
        """Every loaded source file with its row accounting, by programme then file."""
        return self.query(
            f"""SELECT source_id, programme, kind, layout, path, member, {_LABEL}, encoding,
                       snapshot_date, snapshot_basis, sha256, rows_read, rows_loaded,
                       rows_quarantined, rows_recovered, value_issues, loaded_at
               FROM sources s ORDER BY programme, kind, path, member"""
        )

    def quarantine(self, *, limit: int | None = None) -> list[Row]:
        """Rows kept aside (and recovered ones, flagged), with their file and line."""
        return self.query(
            f"""SELECT {_LABEL}, q.line, q.reason, q.recovered, q.raw_text
               FROM quarantine q JOIN sources s USING (source_id)
               ORDER BY s.path, s.member, q.line LIMIT ?""",
            [limit if limit is not None else 2**62],
        )

    def value_issues(self, *, limit: int | None = None) -> list[Row]:
        """Values that did not parse, with their file, line and field."""
        return self.query(
            f"""SELECT {_LABEL}, v.line, v.field, v.raw_value, v.reason
               FROM value_issues v JOIN sources s USING (source_id)
               ORDER BY s.path, s.member, v.line, v.field LIMIT ?""",
            [limit if limit is not None else 2**62],
        )

    def warnings(self) -> list[Row]:
        """Odd but usable values, counted per source."""
        return self.query(
            f"""SELECT {_LABEL}, w.warning, w.value, w.rows
               FROM load_warnings w JOIN sources s USING (source_id)
               ORDER BY s.path, s.member, w.rows DESC"""
        )

    def programme_tables(self) -> list[Row]:
        """Which tables each programme has, with rows and snapshot date."""
        return self.query("SELECT * FROM programme_tables")

    def table_counts(self) -> list[Row]:
        """Row counts of the main tables, per programme where the table has one."""
        parts = []
        for table in COUNTED_TABLES:
            has_programme = table not in (
                "organisations",
                "countries",
                "quarantine",
                "value_issues",
            )
            programme = "programme" if has_programme else "'ALL'"
            parts.append(
                f"SELECT '{table}' AS table_name, {programme} AS programme, count(*) AS rows "
                f"FROM {table} GROUP BY ALL"
            )
        return self.query(" UNION ALL ".join(parts) + " ORDER BY table_name, programme")
