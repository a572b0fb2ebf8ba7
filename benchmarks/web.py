"""Server-side rendering of the pages and API answers, cold (nothing remembered) and warm, the
country profile on first view of each kind of filter, and bounded load tests on loopback
against `bilat serve`: 20 concurrent clients per mix, then a ladder of 1 to 100 clients that
shows where throughput stops growing (requests per second, latencies and errors)."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from functools import partial
from pathlib import Path
from typing import Any

from common import median, p95, site, steady, timings

PAGES = (
    "/project/{project}/",
    "/",
    "/country/US/",
    "/country/DE/?programme=HE",
    "/organisation/{organisation}/",
    "/explore/participations/?country=US",
    "/explore/projects/?country=US",
    "/sources/",
)
# The country profile on the first view of each kind of filter its form offers.
PROFILES = (
    "/country/US/",
    "/country/US/?programme=H2020",
    "/country/US/?years=2014-2020",
    "/country/US/?programme_part=MSCA",
    "/country/US/?scheme_group=collaborative",
    "/country/US/?role=coordinator",
    "/country/US/?organisation_type=HES",
    "/country/JP/?programme=HE",
)
API = (
    "/api/indicators/headline?country=US",
    "/api/indicators/by_role?country=US&programme=H2020",
    "/api/participations?country=US",
    "/api/projects?country=US&programme_part=MSCA",
    "/api/organisations/{organisation}",
)


def examples(path: Path) -> dict[str, str]:
    """The project and organisation the pages show: a Horizon Europe (else any) project with
    a US participant, and the US organisation with most participations."""
    from bilat.warehouse.store import Warehouse

    warehouse = Warehouse(path)
    project = warehouse.query(
        """SELECT programme, project_id FROM participation_facts WHERE country = 'US'
           ORDER BY programme = 'HE' DESC, project_id LIMIT 1"""
    )[0]
    organisation = warehouse.query(
        """SELECT pic FROM participation_facts WHERE country = 'US' AND pic IS NOT NULL
           GROUP BY pic ORDER BY count(*) DESC, pic LIMIT 1"""
    )[0]
    return {
        "project": f"{project['programme']}/{project['project_id']}",
        "organisation": str(organisation["pic"]),
    }


def filled(urls: tuple[str, ...], path: Path) -> tuple[str, ...]:
    """The addresses with this warehouse's example project and organisation."""
    found = examples(path)
    return tuple(url.format(**found) for url in urls)


def render(path: Path, runs: int) -> list[dict[str, Any]]:
    """Median cold and warm render, and warm p95, of each page and API answer."""
    client, forget = site(path)
    rows = []
    for url in filled(PAGES + API, path):
        cold = timings(partial(client.get, url), max(3, runs // 3), before=forget)
        warm = timings(partial(client.get, url), runs)
        status = client.get(url).status_code
        rows.append(
            {
                "url": url,
                "status": status,
                "cold_median_s": median(cold),
                "warm_median_s": median(warm),
                "warm_p95_s": p95(warm),
            }
        )
    return rows


def profiles(path: Path, runs: int) -> list[dict[str, Any]]:
    """Median and worst first view of the country profile under each filter (nothing
    remembered before each view), beside the warm view of the same page."""
    client, forget = site(path)
    rows = []
    for url in PROFILES:
        cold = steady(
            f"first view of {url}", partial(timings, partial(client.get, url), runs, before=forget)
        )
        warm = timings(partial(client.get, url), runs)
        rows.append(
            {
                "url": url,
                "status": client.get(url).status_code,
                "cold_median_s": median(cold),
                "cold_max_s": max(cold),
                "warm_median_s": median(warm),
            }
        )
    return rows


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


WORKERS = os.cpu_count() or 1
LADDER = (1, 5, 20, 50, 100)  # clients; 100 at most, on loopback only
# Throughput counts as still growing while one step of the ladder adds this share or more.
GROWING = 0.10


def load(
    path: Path, *, clients: int = 20, seconds: float = 8.0, ladder_seconds: float = 4.0
) -> dict[str, list[dict[str, Any]]]:
    """Under load on loopback: pages and API answers with `clients` clients each, then every
    page and answer together for each number of clients of the ladder."""
    port = _free_port()
    env = os.environ | {"BILAT_WAREHOUSE": str(path)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bilat.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        pages, api = filled(PAGES, path), filled(API, path)
        for url in pages + api:  # warm: the load test measures serving, not first computation
            for _ in range(WORKERS * 2):
                urllib.request.urlopen(base + url, timeout=60).read()
        mixes = [
            {"mix": name} | _hammer(base, urls, clients, seconds)
            for name, urls in (("pages", pages), ("API", api))
        ]
        ladder = [
            {"mix": "pages and API"} | _hammer(base, pages + api, number, ladder_seconds)
            for number in LADDER
        ]
        return {"mixes": mixes, "ladder": ladder}
    finally:
        server.terminate()
        server.wait(timeout=30)


def saturation(ladder: list[dict[str, Any]]) -> int:
    """The number of clients past which one more step of the ladder adds less than GROWING
    throughput: the server's capacity is reached there and more clients only queue."""
    for lower, upper in itertools.pairwise(ladder):
        if upper["rps"] < lower["rps"] * (1 + GROWING):
            return int(lower["clients"])
    return int(ladder[-1]["clients"])


def _wait(base: str) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/sources/", timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("bilat serve did not start")


def _hammer(base: str, urls: tuple[str, ...], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        number = offset
        while time.perf_counter() < stop:
            url = base + urls[number % len(urls)]
            number += 1
            start = time.perf_counter()
            problem = None
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
                    if response.status != 200:
                        problem = f"{url}: status {response.status}"
            except OSError as error:
                problem = f"{url}: {error}"
            spent = time.perf_counter() - start
            with lock:
                latencies.append(spent)
                if problem is not None:
                    errors.append(problem)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "rps": len(latencies) / elapsed,
        "median_s": median(latencies),
        "p95_s": p95(latencies),
    }
