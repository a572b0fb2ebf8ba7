"""Running statements on a DuckDB connection and always finishing their results.

DuckDB 2 refuses new work on a connection whose last result was not read to the end, so
every statement goes through `run`, which reads it all.
"""

from __future__ import annotations

from typing import Any

import duckdb


def run(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> list[tuple[Any, ...]]:
    """Execute one statement and return all its rows."""
    return con.execute(sql, params).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> Any:
    """The single value a statement returns (None if it returns no row)."""
    rows = run(con, sql, params)
    return rows[0][0] if rows else None
