"""How many people can register at the same moment on SQLite before one waits too long.

Each of N threads (as in `bilat serve --workers W` with its threads) registers a different
person for one event through bilat's own write path (the confirmed public registration:
save the person, lock the event, count places, register, log), all released at once. SQLite
lets one writer in at a time (BEGIN IMMEDIATE, waiting up to the 20 s busy timeout), so the
last of N waits for the N-1 before it. Printed per N: median and slowest registration, and
how many failed. Run: `cd benchmarks && ../.venv/bin/python sqlite_writers.py [N ...]`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from statistics import median


def setup(folder: Path) -> None:
    # BILAT_WRITERS_DATABASE: the same burst on another database (PostgreSQL), to compare.
    default = f"sqlite:///{folder / 'writers.sqlite3'}"
    os.environ["DATABASE_URL"] = os.environ.get("BILAT_WRITERS_DATABASE", default)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilat.site.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # not measured
    call_command("migrate", interactive=False, verbosity=0)


def burst(n: int) -> tuple[list[float], list[str]]:
    """N registrations released together; their durations and errors."""
    from django.db import connection

    from bilat.coordination.events.models import Event
    from bilat.coordination.events.operations import register_person
    from bilat.coordination.stakeholders.operations import PersonData

    event = Event.objects.create(
        slug=f"burst-{n}-{time.time_ns()}",
        title=f"Burst of {n}",
        kind="webinar",
        starts=date.today() + timedelta(days=7),
        ends=date.today() + timedelta(days=7),
        place="online",
        capacity=n // 2,
    )
    start = threading.Barrier(n)
    took: list[float] = []
    errors: list[str] = []

    def one(i: int) -> None:
        data = PersonData(f"P{i}", "Writer", f"writer{i}-{event.pk}@example.org",
                          country="DE", consents=["registration"])  # fmt: skip
        try:
            start.wait()
            began = time.perf_counter()
            register_person(None, event, data, source="bench", overwrite=False)
            took.append(time.perf_counter() - began)
        except Exception as error:  # counted and shown: what a visitor would get as a 500
            errors.append(type(error).__name__ + ": " + str(error)[:80])
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return took, errors


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        setup(Path(folder))
        burst(5)  # warm up: the first queries of a process are slower
        for n in sizes:
            took, errors = burst(n)
            slowest = max(took) if took else float("nan")
            print(
                f"{n:4d} writers at once: median {median(took) * 1e3:7.0f} ms, slowest "
                f"{slowest * 1e3:7.0f} ms, {n / slowest if took else 0:5.0f} registrations/s, "
                f"{len(errors)} failed {sorted(set(errors))[:1]}"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 30, 60, 100, 200])
