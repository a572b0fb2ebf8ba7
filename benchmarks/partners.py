"""Partner search at scale: how long reading the partner index (built at ingest) takes, and
suggestions for one organisation after it, beside the organisation page's own record read in
the same run; and the evaluation of the suggestions on the bundled real data (generated data
has no real partnerships)."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

from common import median, p95, timings

from bilat.bridges import evaluation, search
from bilat.records.organisation import organisation
from bilat.warehouse.store import Warehouse

ORGANISATIONS = 30  # the 15 US and 15 European organisations with most projects


def sample(warehouse: Warehouse) -> list[int]:
    """Organisations to ask about: the busiest on each side (the slowest questions)."""
    evidence, _ = search.current(warehouse)
    order = evidence.project_count.argsort()[::-1]
    american = [int(evidence.pics[n]) for n in order if evidence.american[n]]
    european = [int(evidence.pics[n]) for n in order if evidence.european[n]]
    half = ORGANISATIONS // 2
    return american[:half] + european[:half]


def measure(warehouse: Warehouse, runs: int) -> dict[str, Any]:
    """Time to read the index from the warehouse, then suggestions per organisation (median
    and p95 over the sample, each the median of `runs`), beside the organisation record read."""
    start = time.perf_counter()
    search.current(warehouse)
    build = time.perf_counter() - start
    suggest, record = [], []
    for pic in sample(warehouse):
        suggest.append(median(timings(partial(search.for_organisation, warehouse, pic), runs)))
        record.append(
            median(timings(partial(organisation, warehouse, pic), runs, before=warehouse.forget))
        )
    return {
        "index_build_s": build,
        "organisations": len(suggest),
        "suggest_median_s": median(suggest),
        "suggest_p95_s": p95(suggest),
        "record_median_s": median(record),
    }


def evaluate(warehouse: Warehouse) -> list[dict[str, object]]:
    """`bilat evaluate partners` on the bundled data: the method and baselines' rows."""
    return [row.as_json() for row in evaluation.evaluate(warehouse).rows]


if __name__ == "__main__":
    # This part alone: `cd benchmarks && ../.venv/bin/python partners.py WAREHOUSE [RUNS]`.
    import json
    import sys

    found = measure(Warehouse(Path(sys.argv[1])), int(sys.argv[2]) if len(sys.argv) > 2 else 5)
    print(json.dumps(found, indent=1))
