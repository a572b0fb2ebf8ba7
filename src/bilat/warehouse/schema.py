"""Creating the warehouse's tables and parsing macros from `schema.sql`."""

from __future__ import annotations

from importlib import resources

import duckdb

from bilat.warehouse.sql import run


def schema_sql() -> str:
    """The canonical schema, as documented SQL."""
    return resources.files("bilat.warehouse").joinpath("schema.sql").read_text("utf-8")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the base tables and macros if they are not there yet."""
    run(con, schema_sql())
