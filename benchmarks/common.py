"""Timing helpers shared by the benchmark parts: medians of repeated runs, p95, the spread that
makes a run worth repeating, the machine's load, tables printed with each row's ratio to the
baseline measured in the same run, and the verdict on each target of issue 15."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"

# A run whose spread (interquartile range over median; range over median below 4 runs) is
# wider than this is repeated, up to REPEATS times, and the steadiest run is kept. On a shared
# machine one busy neighbour is enough to make a median say more about them than about bilat.
SPREAD_LIMIT = 0.5
REPEATS = 2
REPEATED: list[str] = []  # what was repeated and when, printed again at the end


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


def spread(values: list[float]) -> float:
    """How far apart repeated timings are, relative to their median."""
    middle = median(values)
    if len(values) < 2 or middle <= 0:
        return 0.0
    if len(values) < 4:
        return (max(values) - min(values)) / middle
    first, _, third = statistics.quantiles(values, n=4, method="inclusive")
    return (third - first) / middle


def steady(label: str, measure: Callable[[], list[float]]) -> list[float]:
    """Timings from `measure`, taken again while their spread is too wide; the steadiest kept.

    Says when it repeated, with the load at that moment, so a reader can tell noise from bilat.
    """
    found = measure()
    for _ in range(REPEATS):
        wide = spread(found)
        if wide <= SPREAD_LIMIT:
            break
        note = (
            f"{label}: spread {wide:.0%} > {SPREAD_LIMIT:.0%}, repeated at "
            f"{time.strftime('%H:%M:%S')} (load {load_average()})"
        )
        print(f"  {note}")
        REPEATED.append(note)
        again = measure()
        if spread(again) < wide:
            found = again
    return found


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages, beside its number of cores."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


@dataclass(frozen=True)
class Verdict:
    """One target of issue 15: what was measured, beside its baseline of the same run."""

    target: str
    measured: str
    baseline: str
    ok: bool

    @property
    def mark(self) -> str:
        return "ok" if self.ok else "MISSED"


VERDICTS: list[Verdict] = []


def verdict(target: str, measured: str, baseline: str, ok: bool) -> Verdict:
    """Record a target's outcome and print it on one line."""
    found = Verdict(target, measured, baseline, ok)
    VERDICTS.append(found)
    print(f"  [{found.mark}] {target}: {measured} (baseline: {baseline})")
    return found


def markdown(verdicts: list[Verdict]) -> str:
    """The verdicts as the Markdown table the README's speed section holds."""
    lines = [
        "| target | bilat | baseline measured in the same run | met |",
        "|---|---|---|---|",
    ]
    for found in verdicts:
        cells = (found.target, found.measured, found.baseline, found.mark)
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(lines)


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


def site(path: Path) -> tuple[Any, Callable[[], object]]:
    """A Django test client of the site serving the warehouse at `path`, and the call that
    forgets what its reader remembered (a first view). The site reads its warehouse setting
    once, so the setting itself is changed, not the environment (growth serves several)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilat.site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from bilat import serving

    settings.BILAT_WAREHOUSE = path
    serving.warehouse.cache_clear()
    return Client(), serving.warehouse().forget
