"""Reading CORDIS files: recognising their format, parsing them, keeping bad rows aside.

Nothing here knows about DuckDB: this package turns files into Arrow tables of text plus an
account of what could not be read; `bilat.warehouse` normalises and stores them.
"""
