"""The reads a page's indicators share (`bilat.indicators.shared`): every section of the
country profile computed on a page's threads, sharing its reads, equals the same indicator
computed alone, schema and values, over the real rows of the three-programme warehouse; and a
shared read is made once however many threads ask for it."""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pytest

from bilat import indicators
from bilat.indicators import inside, shared
from bilat.indicators.scope import Scope, resolve
from bilat.warehouse.store import Warehouse
from bilat.web.profile import PARTS, Part

SCOPES = [
    {"country": "US"},
    {"country": "US", "programme": "H2020", "role": "coordinator"},
    {"country": "DE", "years": "2016-2022", "organisation_type": "HES"},
    {"country": "US,CA", "programme_part": "MSCA"},
    {"country": "EU"},
    {"country": "THIRD", "scheme_group": "collaborative"},
]


def _parts(scope: Scope) -> list[Part]:
    """The profile's sections for the scope's subject (by_state for the US only)."""
    return [part for part in PARTS if "US" in scope.subject.countries or not part.us_only]


def _page(warehouse: Warehouse, given: dict[str, str]) -> dict[str, pa.Table]:
    """Every section's table computed as the profile computes them: on four threads, inside
    one page."""
    scope = resolve(warehouse, **given)

    def compute(name: str, options: dict[str, object]) -> pa.Table:
        return indicators.get(name).within(warehouse, scope, **options)

    with shared.one_page(), ThreadPoolExecutor(4) as pool:
        started = {
            part.name: pool.submit(contextvars.copy_context().run, compute, part.name, part.options)
            for part in _parts(scope)
        }
        return {name: future.result() for name, future in started.items()}


@pytest.mark.parametrize("given", SCOPES, ids=lambda given: "&".join(given.values()))
def test_a_page_shares_reads_and_changes_no_number(
    three_programmes: Warehouse, given: dict[str, str]
) -> None:
    three_programmes.forget()
    on_page = _page(three_programmes, given)
    scope = resolve(three_programmes, **given)
    for part in _parts(scope):
        three_programmes.forget()
        alone = indicators.get(part.name).within(three_programmes, scope, **part.options)
        assert on_page[part.name].schema == alone.schema, part.name
        assert on_page[part.name].to_pylist() == alone.to_pylist(), part.name
    assert on_page["headline"].num_rows > 0  # the case says something


def test_a_shared_read_is_made_once_for_every_thread() -> None:
    made: list[int] = []
    ready = threading.Barrier(4)

    def make() -> int:
        made.append(1)
        return 42

    def ask() -> int:
        ready.wait()
        return shared.once("key", make)

    with shared.one_page(), ThreadPoolExecutor(4) as pool:
        found = [pool.submit(contextvars.copy_context().run, ask) for _ in range(4)]
        assert [future.result() for future in found] == [42] * 4
    assert made == [1]
    # Outside a page nothing is kept: each call computes.
    assert shared.once("key", make) == 42 and shared.once("key", make) == 42
    assert made == [1, 1, 1]


def test_a_failed_read_fails_every_reader_of_the_page() -> None:
    def make() -> int:
        raise ValueError("no such table")

    with shared.one_page():
        for _ in range(2):
            with pytest.raises(ValueError, match="no such table"):
                shared.once("key", make)


def test_arrays_shared_by_threads_are_read_only(three_programmes: Warehouse) -> None:
    scope = resolve(three_programmes, country="US")
    with shared.one_page():
        found = inside.read(three_programmes, scope, needs=frozenset())
        assert inside.read(three_programmes, scope) is found
    assert len(found) > 0
    with pytest.raises(ValueError, match="read-only"):
        found.pic[0] = 1
    assert isinstance(found.cents, np.ndarray) and found.cents.any()  # read as counted
