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
class Postings:
    """For each key of an inverted project index: the organisations with participations in
    the key's projects, how many (in any role) and how many as coordinator."""

    keys: dict[str, int]
    bounds: Ints
    orgs: Ints
    counts: Floats
    led: Floats

    @classmethod
    def build(
        cls,
        index: Mapping[str, Ints],
        rows: Rows,
        participation_org: Ints,
        coordinator: npt.NDArray[np.bool_],
        organisations: int,
    ) -> Postings:
        """Count, for every key of `index` (key → project numbers), each organisation's
        participations in its projects: one sort of (key, organisation) pairs."""
        names = sorted(index)
        sizes = [len(index[name]) for name in names]
        projects = np.concatenate([index[name] for name in names]) if names else np.zeros(0)
        projects = projects.astype(np.int64)
        key_of_project = np.repeat(np.arange(len(names), dtype=np.int64), sizes)
        starts, stops = rows.bounds[projects], rows.bounds[projects + 1]
        taken = rows.order[ranges(starts, stops)]
        keys = np.repeat(key_of_project, stops - starts)
        pairs = keys * organisations + participation_org[taken]
        found, inverse = np.unique(pairs, return_inverse=True)
        counts = np.bincount(inverse, minlength=len(found)).astype(np.float64)
        led = np.bincount(
            inverse, weights=coordinator[taken].astype(np.float64), minlength=len(found)
        )
        bounds = np.searchsorted(found // organisations, np.arange(len(names) + 1))
        return cls(
            {name: n for n, name in enumerate(names)},
            bounds.astype(np.int64),
            (found % organisations).astype(np.int64),
            counts,
            led.astype(np.float64),
        )

    def sums(self, weights: Mapping[str, float], organisations: int) -> tuple[Floats, Floats]:
        """Each organisation's weighted sum of its counts under the keys (in any role, as
        coordinator): what a question's signal is, read from its keys' lists only."""
        chosen = [(self.keys[key], w) for key, w in weights.items() if key in self.keys and w]
        if not chosen:
            return np.zeros(organisations), np.zeros(organisations)
        numbers = np.array([n for n, _ in chosen], np.int64)
        starts, stops = self.bounds[numbers], self.bounds[numbers + 1]
        taken = ranges(starts, stops)
        scale = np.repeat(np.array([w for _, w in chosen], np.float64), stops - starts)
        orgs = self.orgs[taken]
        anyrole = np.bincount(orgs, weights=self.counts[taken] * scale, minlength=organisations)
        led = np.bincount(orgs, weights=self.led[taken] * scale, minlength=organisations)
        return anyrole.astype(np.float64), led.astype(np.float64)
