"""The derived tables built side by side (as for CORDIS's size) and one after the other (as
beyond several times it, where memory matters more) are the same tables."""

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


def test_side_by_side_and_one_after_the_other_build_the_same_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    together = tmp_path / "together.duckdb"
    ingest([DATA / "horizon-europe"], warehouse=together)
    monkeypatch.setattr(derive, "SIDE_BY_SIDE_UP_TO", 0)
    apart = tmp_path / "apart.duckdb"
    ingest([DATA / "horizon-europe"], warehouse=apart)
    first, second = _tables(together), _tables(apart)
    assert sorted(first) == sorted(second) and len(first) > 30
    assert {name for name in first if first[name] != second[name]} == set()


def test_a_statement_that_runs_out_of_memory_runs_again_on_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's out-of-memory failure of a large statement (seen at 10 times the full scale,
    with two threads, at random) cannot be provoked on demand: the first run of the projects'
    statement is made to fail as it did, and the ingest still builds the same projects on one
    thread, then gives DuckDB its threads back."""
    ran: list[int] = []
    real = derive.run

    def failing_once(con: duckdb.DuckDBPyConnection, sql: str, params: object = None):  # type: ignore[no-untyped-def]
        if sql is derive._PROJECTS:
            ran.append(int(con.execute("SELECT current_setting('threads')").fetchone()[0]))  # type: ignore[index]
            if len(ran) == 1:
                raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate")
        return real(con, sql, params)

    monkeypatch.setattr(derive, "run", failing_once)
    warehouse = tmp_path / "w.duckdb"
    ingest([DATA / "horizon-europe"], warehouse=warehouse)
    assert ran[1] == 1 and ran[0] > 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM projects").fetchone()[0] > 10_000  # type: ignore[index]
