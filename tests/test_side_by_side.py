"""The derived tables built with all of DuckDB's threads per statement (as for CORDIS's size)
and with one thread each (as beyond several times it, where memory matters more) are the same
tables."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bilat.warehouse import derive
from bilat.warehouse.ingest import ingest

from conftest import DATA


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted (the order rows were written in is not what is compared),
    without the time each file was loaded."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [name for (name,) in con.execute("SHOW TABLES").fetchall()]
        found = {}
        for name in names:
            columns = [c for (c,) in con.execute(f"SELECT name FROM pragma_table_info('{name}')")
                       .fetchall() if c not in ("loaded_at", "path")]  # fmt: skip
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
            found[name] = sorted(rows, key=repr)
        return found


def test_all_threads_and_one_thread_per_statement_build_the_same_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    together = tmp_path / "together.duckdb"
    ingest([DATA / "horizon-europe"], warehouse=together)
    monkeypatch.setattr(derive, "ALL_THREADS_UP_TO", 0)
    apart = tmp_path / "apart.duckdb"
    ingest([DATA / "horizon-europe"], warehouse=apart)
    first, second = _tables(together), _tables(apart)
    assert sorted(first) == sorted(second) and len(first) > 30
    assert {name for name in first if first[name] != second[name]} == set()


def test_beyond_cordis_size_the_derived_tables_are_built_on_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond several times CORDIS's size each statement runs on one DuckDB thread (two held
    twice the groups at ten times the full scale and spilled to disk), the steps still side by
    side, and DuckDB gets its threads back for the rest; at CORDIS's size the statements keep
    every thread."""
    seen: dict[str, list[int]] = {"together": [], "apart": []}
    real = derive.run
    now = ["together"]

    def watching(con: duckdb.DuckDBPyConnection, sql: str, params: object = None):  # type: ignore[no-untyped-def]
        if sql is derive._PROJECTS or sql is derive._ORGANISATIONS:
            seen[now[0]].append(int(con.execute("SELECT current_setting('threads')").fetchone()[0]))  # type: ignore[index]
        return real(con, sql, params)

    monkeypatch.setattr(derive, "run", watching)
    ingest([DATA / "horizon-europe"], warehouse=tmp_path / "together.duckdb")
    now[0] = "apart"
    monkeypatch.setattr(derive, "ALL_THREADS_UP_TO", 0)
    warehouse = tmp_path / "apart.duckdb"
    ingest([DATA / "horizon-europe"], warehouse=warehouse)
    assert seen["apart"] == [1, 1]
    assert len(seen["together"]) == 2 and min(seen["together"]) > 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM projects").fetchone()[0] > 10_000  # type: ignore[index]
