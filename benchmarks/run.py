"""`make bench`: time every indicator and every page, median and p95, against baselines
measured in the same run.

Machines are shared and noisy, so every figure is a median of repeated runs and is shown as a
ratio to a baseline taken in the same run: for indicators, the floor of any indicator (a bare
grouped count over the participations view); for pages, the smallest page (the project page).
Indicators are timed with the result cache emptied before every run (what a new filter
costs); pages both cold (cache emptied) and warm. The warehouse is built from the bundled real
data, or given with --warehouse (e.g. a full-scale generated one). Results also go to
var/bench/ as JSON, for comparing runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from bilat import indicators
from bilat.warehouse.ingest import ingest
from bilat.warehouse.store import Warehouse

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"


def timings(
    call: Callable[[], object], runs: int, *, before: Callable[[], object] | None = None
) -> list[float]:
    """Seconds per call after one warm-up call; `before` runs untimed before each call."""
    call()
    found = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        call()
        found.append(time.perf_counter() - start)
    return found


PAGES = (
    "/project/HE/101071601/",
    "/",
    "/country/US/",
    "/country/DE/?programme=HE",
    "/organisation/999467340/",
    "/explore/participations/?country=US",
    "/explore/projects/?country=US",
    "/sources/",
    "/api/indicators/headline?country=US",
    "/api/participations?country=US",
    "/api/organisations/999467340",
)


def pages(path: Path, runs: int) -> list[tuple[str, float, float, float]]:
    """(page, cold median, warm median, warm p95) of each page, rendered by Django."""
    os.environ["BILAT_WAREHOUSE"] = str(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilat.web.settings")
    import django

    django.setup()
    from django.test import Client

    from bilat.web import services

    client = Client()
    forget = services.warehouse().forget
    rows = []
    for url in PAGES:
        cold = timings(partial(client.get, url), max(3, runs // 3), before=forget)
        warm = timings(partial(client.get, url), runs)
        rows.append((url, statistics.median(cold), statistics.median(warm), p95(warm)))
    return rows


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def reports(warehouse: Warehouse, runs: int) -> list[tuple[str, float, float]]:
    """(report and format, median, max) of writing each report from a warm warehouse."""
    from bilat.reports import make

    def write(name: str, fmt: str) -> bytes:
        return make.WRITERS[fmt](make.build(warehouse, name))

    rows = []
    for name in make.REPORTS:
        for fmt in ("pdf", "html"):
            found = timings(partial(write, name, fmt), runs, before=warehouse.forget)
            rows.append((f"{name} {fmt}", statistics.median(found), max(found)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, help="an existing warehouse to time")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    path = args.warehouse
    if path is None:
        path = OUT / "bundled.duckdb"
        ingest([ROOT / "data"], warehouse=path)
    warehouse = Warehouse(path)
    floor = timings(
        lambda: warehouse.arrow("SELECT country, count(*) FROM participations GROUP BY ALL"),
        args.runs,
        before=warehouse.forget,
    )
    floor_median = statistics.median(floor)
    rows = [("floor: grouped count", statistics.median(floor), p95(floor))]
    for name, indicator in indicators.REGISTRY.items():
        found = timings(
            partial(indicator, warehouse, country="US"), args.runs, before=warehouse.forget
        )
        rows.append((name, statistics.median(found), p95(found)))
    print(f"Indicators on {path} ({args.runs} runs each, after one warm-up)")
    print(f"{'indicator':<26}{'median ms':>10}{'p95 ms':>9}{'x floor':>9}")
    for name, median, high in rows:
        print(f"{name:<26}{median * 1e3:>10.1f}{high * 1e3:>9.1f}{median / floor_median:>9.1f}")
    page_rows = pages(path, args.runs)
    base = page_rows[0][1]
    print(f"\nPages rendered by Django ({args.runs} warm runs each; cold = result cache emptied)")
    print(f"{'page':<40}{'cold ms':>9}{'x base':>8}{'warm ms':>9}{'warm p95':>10}")
    for url, cold, warm, high in page_rows:
        print(
            f"{url:<40}{cold * 1e3:>9.1f}{cold / base:>8.1f}{warm * 1e3:>9.1f}{high * 1e3:>10.1f}"
        )
    report_rows = reports(warehouse, max(3, args.runs // 5))
    print(f"\nReports ({max(3, args.runs // 5)} runs each)")
    print(f"{'report':<40}{'median s':>10}{'max s':>8}")
    for name, median, high in report_rows:
        print(f"{name:<40}{median:>10.2f}{high:>8.2f}")
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = {
        "when": stamp,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "warehouse": str(path),
        "indicators": [
            {
                "name": name,
                "median_s": median,
                "p95_s": high,
                "ratio_to_floor": median / floor_median,
            }
            for name, median, high in rows
        ],
        "reports": [
            {"report": name, "median_s": median, "max_s": high}
            for name, median, high in report_rows
        ],
        "pages": [
            {"page": url, "cold_median_s": cold, "warm_median_s": warm, "warm_p95_s": high}
            for url, cold, warm, high in page_rows
        ],
    }
    target = OUT / f"indicators-{stamp}.json"
    target.write_text(json.dumps(result, indent=1))
    print(f"written to {target}")


if __name__ == "__main__":
    main()
