"""Per key, the organisations with projects under it: the sums a question needs, made once.

A question's part, topic-family and field signals are sums, over the question's keys, of each
organisation's participations in the projects under the key. Summed over every participation
for every question they cost one pass over the whole record per signal; kept per key (the
organisations under it and their counts, in any role and as coordinator), a question only
reads the lists of its own keys, which are far shorter: a key's list has one entry per
organisation, not per participation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Rows:
    """The participation rows of each project, for gathering the rows of a set of projects
    without a pass over all of them."""

    order: Ints  # participation rows sorted by project
    bounds: Ints  # project n's rows are order[bounds[n]:bounds[n + 1]]

    @classmethod
    def of(cls, participation_project: Ints, projects: int) -> Rows:
        """Index the participation rows by their project."""
        order = np.argsort(participation_project, kind="stable").astype(np.int64)
        bounds = np.searchsorted(participation_project[order], np.arange(projects + 1))
        return cls(order, bounds.astype(np.int64))

    def of_projects(self, projects: Ints) -> Ints:
        """The participation rows of `projects` (distinct project numbers)."""
        return self.order[ranges(self.bounds[projects], self.bounds[projects + 1])]


def ranges(starts: Ints, stops: Ints) -> Ints:
    """The concatenation of `range(start, stop)` for each pair, in one vector operation."""
    lengths = stops - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return offsets + np.arange(total, dtype=np.int64)


@dataclass(frozen=True)
class _List:
    """Sorted (key, organisation) pairs with a value each, and where each key's pairs start."""

    bounds: Ints
    orgs: Ints
    values: Floats

    def add(self, total: Floats, key: int, weight: float) -> None:
        """Add the key's values, times `weight`, to `total` (organisations are distinct
        within one key, so a plain indexed add is exact)."""
        start, stop = self.bounds[key], self.bounds[key + 1]
        total[self.orgs[start:stop]] += self.values[start:stop] * weight


class Postings:
    """For each key of an inverted project index: the organisations with participations in
    the key's projects, how many (in any role) and how many as coordinator.

    The coordinator counts are kept apart with their zeros left out (most participations are
    not coordinations), so that a question's coordinator sums read a fifth as much."""

    def __init__(self, keys: dict[str, int], anyrole: _List, led: _List) -> None:
        self.keys = keys  # key → key number
        self.anyrole = anyrole
        self.led = led

    @staticmethod
    def lists(bounds: Ints, orgs: Ints, counts: Floats, led: Floats) -> tuple[_List, _List]:
        """The lists of every key (numbered together, whatever their kind), in any role and
        as coordinator: made once, shared by the kinds' `Postings`."""
        kept = np.flatnonzero(led)
        starts = np.searchsorted(kept, bounds).astype(np.int64)
        return _List(bounds, orgs, counts), _List(starts, orgs[kept], led[kept])

    def sums(self, weights: Mapping[str, float], organisations: int) -> tuple[Floats, Floats]:
        """Each organisation's weighted sum of its counts under the keys (in any role, as
        coordinator): what a question's signal is, read from its keys' lists only."""
        anyrole, led = np.zeros(organisations), np.zeros(organisations)
        for key, weight in weights.items():
            number = self.keys.get(key)
            if number is None or not weight:
                continue
            self.anyrole.add(anyrole, number, weight)
            self.led.add(led, number, weight)
        return anyrole, led
