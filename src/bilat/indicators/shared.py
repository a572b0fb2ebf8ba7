"""What the indicators of one page read in common, read once for the page.

A country profile computes about fifteen indicators of one subject under the same filters,
on several threads. Nine of them fetched the subject's rows of the facts, each with its own
columns, and five read the participations of the subject's projects and turned them into
numpy arrays: the same rows fetched and converted again and again (about a fifth of the
page's CPU time at full scale). Inside `one_page()`, `once` computes each such read the first
time an indicator asks for it and hands the same result to the others, including those
asking while it is being computed (they wait for it rather than read it again).

What is shared lives only as long as the page: nothing is kept from one page to the next,
so a page's first view is measured honestly and memory stays bounded by one page. Outside a
page (the API, the CLI, one indicator at a time) `once` just computes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar, cast

T = TypeVar("T")


class _Page:
    """The reads of one page, by key, each a future that its first reader completes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reads: dict[Hashable, Future[object]] = {}


_PAGE: ContextVar[_Page | None] = ContextVar("bilat_shared_page", default=None)


@contextmanager
def one_page() -> Iterator[None]:
    """Share the reads of the indicators computed inside (threads started with a copy of
    this context, `contextvars.copy_context()`, share them too)."""
    token = _PAGE.set(_Page())
    try:
        yield
    finally:
        _PAGE.reset(token)


def active() -> bool:
    """Whether reads are shared (inside `one_page`): a read may then fetch what the other
    indicators of the page will ask for too."""
    return _PAGE.get() is not None


def once(key: Hashable, make: Callable[[], T]) -> T:
    """`make()`, computed once per page for `key` (every call outside a page). A failure is
    raised to every reader of the key, as each would have met it."""
    page = _PAGE.get()
    if page is None:
        return make()
    with page.lock:
        found = page.reads.get(key)
        first = found is None
        if found is None:
            found = page.reads[key] = Future()
    if first:
        try:
            found.set_result(make())
        except BaseException as error:
            found.set_exception(error)
            raise
    return cast(T, found.result())
