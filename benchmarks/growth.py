"""How cost grows with the data: ingest, the slowest indicators and the country profile at 1,
3 and 10 times the full CORDIS scale (generated data), each as seconds and as cost per
participation, with the ingest's peak memory. Linear growth keeps the cost per participation
flat; a query answered from tables whose size does not follow the data (aggregates per
programme and filter) gets cheaper per participation."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import loading
from common import OUT, median, site, steady, timings

from bilat import indicators
from bilat.synthetic import generate
from bilat.warehouse.store import Warehouse

PROFILE = "/country/US/"


def zips(factor: float, seed: int) -> list[Path]:
    """The generated zips at `factor` times the full scale, made once per factor and seed."""
    folder = OUT / (("full-" if factor == 1 else f"x{factor:g}-") + str(seed))
    done = folder / "complete"
    found = sorted(folder.glob("*.zip"))
    if len(found) == 3 and done.exists():
        return found
    written = generate(folder, scale="full" if factor == 1 else f"{factor:g}", seed=seed)
    done.write_text("generated\n")
    return sorted(written)


def measure(
    factor: float,
    seed: int,
    slowest: list[str],
    runs: int,
    *,
    ingested: tuple[Path, float, float] | None = None,
) -> dict[str, Any]:
    """One row of the growth table; `ingested` reuses a load already timed at this scale
    (warehouse, seconds, peak MB) instead of loading again."""
    if ingested is None:
        warehouse_file = OUT / "work" / f"growth-x{factor:g}.db"
        seconds, peak_kb = loading.run(loading.BILAT, warehouse_file, zips(factor, seed))
        ingested = (warehouse_file, seconds, peak_kb / 1024)
    path, seconds, peak_mb = ingested
    warehouse = Warehouse(path)
    rows = warehouse.query("SELECT count(*) AS n FROM participation_facts")[0]["n"]
    found: dict[str, Any] = {
        "factor": factor,
        "participations": rows,
        "ingest_s": seconds,
        "ingest_peak_mb": peak_mb,
    }
    for name in slowest:
        call = partial(indicators.REGISTRY[name], warehouse, country="US")
        found[name] = median(
            steady(f"{name} at {factor:g}x", partial(timings, call, runs, before=warehouse.forget))
        )
    found["profile"] = _profile(path, runs, factor)
    return found


def _profile(path: Path, runs: int, factor: float) -> float:
    """The country profile's first view (nothing remembered), rendered by Django from the
    warehouse at `path` (the setting, read once at start-up, is what the site serves)."""
    client, forget = site(path)
    answer = client.get(PROFILE)
    if answer.status_code != 200:
        raise RuntimeError(f"{PROFILE} at {factor:g}x answered {answer.status_code}")
    view = partial(timings, partial(client.get, PROFILE), runs, before=forget)
    return median(steady(f"profile at {factor:g}x", view))


def per_participation(row: dict[str, Any], key: str) -> float:
    """Microseconds per participation of one measure of a growth row."""
    return float(row[key]) / int(row["participations"]) * 1e6
