"""Timing helpers shared by the benchmark parts: medians of repeated runs, p95, and tables
printed with each row's ratio to the baseline measured in the same run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

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


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def table(title: str, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    """Print rows under a title, numbers right-aligned with two decimals or as given."""
    print(f"\n{title}")
    widths = [max(len(str(h)), *(len(_cell(r[i])) for r in rows)) for i, h in enumerate(header)]
    print(
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    for row in rows:
        print(
            "  ".join(
                _cell(v).ljust(w) if i == 0 else _cell(v).rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"
    return str(value)
