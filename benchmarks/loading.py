"""Ingest of the full-scale zips against two baselines measured in the same run: DuckDB's
bare `read_csv` of the same CSVs into tables (the floor: nothing loads faster) and the loader
an analyst would write with pandas (`read_csv`, then a DuckDB table). Each load runs in its own
process, so that its peak memory is its own, and the loaders take turns run after run, so that
a busy moment of the machine falls on all of them alike."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from common import median, steady

# Each loader as a small program: it loads, then prints its peak memory in kilobytes. The peak
# is the kernel's high-water mark of this process's own memory (VmHWM), not getrusage's
# ru_maxrss: Linux carries ru_maxrss over an exec from the process that forked it, so every
# loader started by this (large) benchmark process reported the benchmark's own peak.
_PEAK = """
import re
with open('/proc/self/status') as status:
    print(re.search(r'VmHWM:\\s+(\\d+) kB', status.read()).group(1))
"""
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


LOADERS = {
    "bilat ingest (zips)": BILAT,
    "duckdb read_csv (floor)": FLOOR,
    "pandas read_csv + to_sql (analyst)": PANDAS_SQL,
    "pandas text + DuckDB (fastest pandas)": PANDAS_DUCKDB,
}


def measure(zips: list[Path], work: Path, runs: int) -> dict[str, dict[str, float]]:
    """Median seconds and peak memory of each loader over `runs` runs taken in turns; the
    rounds are taken again (see `common.steady`) while bilat's or the floor's spread is wide."""
    csvs = extract(zips, work / "csv")
    attempts: list[tuple[list[float], dict[str, list[tuple[float, int]]]]] = []

    def rounds() -> list[float]:
        found: dict[str, list[tuple[float, int]]] = {}
        for _ in range(runs):
            for number, (name, program) in enumerate(LOADERS.items()):
                inputs = zips if program is BILAT else csvs
                file = work / f"{name.split()[0]}-{number}.db"
                found.setdefault(name, []).append(run(program, file, inputs))
        # the ratio is what the target judges: steady when its two terms move together
        floor = [seconds for seconds, _ in found["duckdb read_csv (floor)"]]
        ratios = [s / f for (s, _), f in zip(found["bilat ingest (zips)"], floor, strict=True)]
        attempts.append((ratios, found))
        return ratios

    kept = steady("ingest against the floor", rounds)
    found = next(rows for ratios, rows in attempts if ratios is kept)
    return {
        name: {
            "median_s": median([s for s, _ in rows]),
            "peak_mb": max(k for _, k in rows) / 1024,
            "runs": len(rows),
        }
        for name, rows in found.items()
    }
