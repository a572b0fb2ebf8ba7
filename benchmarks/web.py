"""Server-side rendering of the pages and API answers, cold (nothing remembered) and warm, and
a bounded load test: 20 concurrent clients on loopback against `bilat serve` for a few seconds,
counting requests per second, latencies and errors."""

from __future__ import annotations

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

from common import median, p95, timings

PAGES = (
    "/project/HE/101000005/",
    "/",
    "/country/US/",
    "/country/DE/?programme=HE",
    "/organisation/800000000/",
    "/explore/participations/?country=US",
    "/explore/projects/?country=US",
    "/sources/",
)
API = (
    "/api/indicators/headline?country=US",
    "/api/indicators/by_role?country=US&programme=H2020",
    "/api/participations?country=US",
    "/api/projects?country=US&programme_part=MSCA",
    "/api/organisations/800000000",
)


def render(path: Path, runs: int) -> list[dict[str, Any]]:
    """Median cold and warm render, and warm p95, of each page and API answer."""
    os.environ["BILAT_WAREHOUSE"] = str(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilat.site.settings")
    import django

    django.setup()
    from django.test import Client

    from bilat import serving

    client = Client()
    serving.warehouse.cache_clear()
    forget = serving.warehouse().forget
    rows = []
    for url in PAGES + API:
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load(path: Path, *, clients: int = 20, seconds: float = 8.0) -> list[dict[str, Any]]:
    """Requests per second, latencies and errors of pages and of API answers under load."""
    port = _free_port()
    env = os.environ | {"BILAT_WAREHOUSE": str(path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "bilat.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        results = []
        for name, urls in (("pages", PAGES), ("API", API)):
            for url in urls:  # warm: the load test measures serving, not first computation
                urllib.request.urlopen(base + url, timeout=60).read()
            results.append({"mix": name} | _hammer(base, urls, clients, seconds))
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


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
