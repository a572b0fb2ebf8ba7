"""The DuckDB warehouse: the only package that talks to DuckDB.

`ingest` builds it from CORDIS files; `Warehouse` reads it.
"""
