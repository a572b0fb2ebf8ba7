"""Ingest of the full-scale zips against two baselines measured in the same run: DuckDB's
bare `read_csv` of the same CSVs into tables (the floor: nothing loads faster) and the loader
an analyst would write with pandas (`read_csv`, then a DuckDB table). Each load runs in its own
process, so that its peak memory (maximum resident set) is its own."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from common import median

# Each loader as a small program: it loads, then prints its peak memory in kilobytes.
_PEAK = (
    "import resource, json; print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))"
)
BILAT = """
import sys
from pathlib import Path
from bilat.warehouse.ingest import ingest
ingest([Path(p) for p in sys.argv[2:]], warehouse=Path(sys.argv[1]))
"""
FLOOR = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
for number, path in enumerate(sys.argv[2:]):
    con.execute(f"CREATE TABLE t{number} AS SELECT * FROM read_csv('{path}', delim=';', "
                "header=true, all_varchar=true, ignore_errors=true)")
con.close()
"""
# The loader an analyst writes: pandas infers the types, to_sql writes a SQLite database.
PANDAS_SQL = """
import sqlite3, sys, pandas
con = sqlite3.connect(sys.argv[1])
for number, path in enumerate(sys.argv[2:]):
    frame = pandas.read_csv(path, sep=';', on_bad_lines='skip', low_memory=False)
    frame.to_sql(f"t{number}", con, index=False)
con.close()
"""
# The quickest pandas can do: text columns handed to DuckDB without a copy.
PANDAS_DUCKDB = """
import sys, duckdb, pandas
con = duckdb.connect(sys.argv[1])
for number, path in enumerate(sys.argv[2:]):
    frame = pandas.read_csv(path, sep=';', dtype=str, keep_default_na=False,
                            on_bad_lines='skip', engine='c')
    con.register('frame', frame)
    con.execute(f"CREATE TABLE t{number} AS SELECT * FROM frame")
    con.unregister('frame')
con.close()
"""
USED = ("project.csv", "organization.csv", "euroSciVoc.csv", "legalBasis.csv", "topics.csv")


def extract(zips: list[Path], folder: Path) -> list[Path]:
    """The CSVs bilat reads, unpacked for the baselines (which cannot read zips)."""
    found = []
    for path in zips:
        target = folder / path.stem
        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path) as archive:
            for name in USED:
                if not (target / name).exists():
                    archive.extract(name, target)
                found.append(target / name)
    return found


def run(program: str, target: Path, inputs: list[Path]) -> tuple[float, int]:
    """(seconds, peak kilobytes) of one load into a fresh file."""
    import time

    target.unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", program + "\n" + _PEAK, str(target), *map(str, inputs)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    return seconds, int(json.loads(done.stdout.strip().splitlines()[-1]))


def measure(zips: list[Path], work: Path, runs: int) -> dict[str, dict[str, float]]:
    """Median seconds and peak memory of each loader over `runs` runs."""
    csvs = extract(zips, work / "csv")
    results: dict[str, dict[str, float]] = {}
    for name, program, inputs in (
        ("bilat ingest (zips)", BILAT, zips),
        ("duckdb read_csv (floor)", FLOOR, csvs),
        ("pandas read_csv + to_sql (analyst)", PANDAS_SQL, csvs),
        ("pandas text + DuckDB (fastest pandas)", PANDAS_DUCKDB, csvs),
    ):
        file = work / f"{name.split()[0]}-{len(results)}.db"
        found = [run(program, file, inputs) for _ in range(runs)]
        results[name] = {
            "median_s": median([s for s, _ in found]),
            "peak_mb": max(k for _, k in found) / 1024,
        }
    return results
