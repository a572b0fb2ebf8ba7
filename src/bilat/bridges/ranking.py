"""Ranking organisations for a question: the learned combination of the signals.

A score is the weighted sum of the logarithms of an organisation's signal counts, with one set
of weights for coordinators ("who could lead this?") and one for partners in any role ("who
could take part?"). The weights are fitted by `bilat evaluate partners` on an earlier split of
the record (see `evaluation.learn`); the ones shipped in `weights` were fitted that way on the
bundled data, and a test checks that the fit still gives them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bilat.bridges.evidence import Evidence, Floats, Ints
from bilat.bridges.signals import SIGNALS, Question, project_weights, signals


@dataclass(frozen=True)
class Weights:
    """One weight per signal for each head, in the order of `SIGNALS`."""

    coordinator: tuple[float, ...]
    participant: tuple[float, ...]

    def of(self, head: str) -> Floats:
        """The weight vector of `head` (coordinator or participant)."""
        found = self.coordinator if head == "coordinator" else self.participant
        return np.array(found, dtype=np.float64)


@dataclass(frozen=True)
class Ranked:
    """Organisations of a record in order for a question, with the signals behind it."""

    order: Ints  # organisation indexes, best first
    score: Floats  # every eligible organisation's score (not only the ranked ones)
    signals: dict[str, Floats]
    projects: dict[str, Floats]  # how much each project speaks to the question, per kind


def eligible(evidence: Evidence, question: Question, *, named: bool = False) -> np.ndarray:
    """The organisations on the question's side, less those excluded (and, when `named`,
    those known only from the earlier record, which has no names: a suggestion must say
    whom it suggests)."""
    side = evidence.american if question.side == "US" else evidence.european
    mask = side & evidence.named if named else side.copy()
    for pic in question.exclude:
        found = evidence.org(pic)
        if found is not None:
            mask[found] = False
    return mask


def order(evidence: Evidence, score: Floats, mask: np.ndarray, limit: int | None) -> Ints:
    """Indexes of the eligible organisations by score, ties by projects then PIC. With a
    limit, only the organisations scoring at least the limit-th best are sorted."""
    chosen = np.nonzero(mask)[0]
    if limit is not None and len(chosen) > limit:
        scores = score[chosen]
        floor = np.partition(scores, len(chosen) - limit)[len(chosen) - limit]
        chosen = chosen[scores >= floor]
    projects = evidence.project_count[chosen]
    ranked = chosen[np.lexsort((evidence.pics[chosen], -projects, -score[chosen]))]
    return ranked if limit is None else ranked[:limit]


def score(
    found: dict[str, Floats], weights: Weights, head: str, rows: np.ndarray | None = None
) -> Floats:
    """The head's score of every organisation from its signals (of the organisations at
    `rows` only when given; the others score nothing).

    The weighted sum of the signals' logarithms, one signal at a time: a signal that is zero
    everywhere (no words in the question, no partner) adds nothing and is skipped."""
    size = len(next(iter(found.values())))
    total = np.zeros(size if rows is None else len(rows))
    for name, weight in zip(SIGNALS, weights.of(head).tolist(), strict=True):
        values = found[name]
        if not weight or not values.any():
            continue
        total += weight * np.log1p(values if rows is None else values[rows])
    if rows is None:
        return total
    scores = np.full(size, -np.inf)
    scores[rows] = total
    return scores


def rank(
    evidence: Evidence,
    question: Question,
    weights: Weights,
    *,
    head: str = "participant",
    limit: int | None = 20,
    named: bool = False,
) -> Ranked:
    """The best organisations for `question` on its side, by the head's score (of the
    named ones only when `named`)."""
    projects = project_weights(evidence, question)
    found = signals(evidence, question, projects)
    mask = eligible(evidence, question, named=named)
    scores = score(found, weights, head, np.flatnonzero(mask))
    return Ranked(
        order(evidence, scores, mask, limit),
        scores,
        found,
        projects,
    )
