"""How good the suggestions are, measured against what really happened later.

Split by call year: the record (evidence) holds projects up to `split - 1`; the questions are
the projects of `split` and later that have a US participant. For each, knowing only its
topic, programme part, fields of science and US participant, the European organisations are
ranked; the score is whether its actual coordinator is in the top 20 (coordinator recall@20),
the share of all its actual European participants that are (participant recall@20, pooled over
questions) and the mean reciprocal rank of the coordinator. Baselines are ranked in the same
run from the same record. The weights of the method are learned one step earlier: record up
to `split - 2`, questions of `split - 1`; the scored period is never seen while learning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bilat.bridges import evidence as records
from bilat.bridges import learning
from bilat.bridges.evidence import Evidence, Floats
from bilat.bridges.ranking import Weights, eligible, order, score
from bilat.bridges.signals import SIGNALS, Question, signals
from bilat.warehouse.store import Warehouse

TOP = 20
SPLIT = 2023
RESAMPLES = 1000
SEED = 20230101
SAMPLE = 500  # organisations drawn at random as the "not chosen" of each learning question
NEAR = 500  # ... and the ones a plain count of the question's evidence puts first
PART_MINIMUM = 10  # questions a programme part needs for its own rows
TARGET = {"coordinator_recall_at_20": 0.55, "participant_recall_at_20": 0.20}
TARGET_RATIO = 1.5

Scorer = Callable[[dict[str, Floats], Weights], tuple[Floats, Floats]]


@dataclass(frozen=True)
class Case:
    """One question: a project of the scored period, and who really led and joined it."""

    project: tuple[str, int]
    acronym: str | None
    part: str | None
    question: Question
    coordinators: tuple[int, ...]
    members: tuple[int, ...]  # European organisations in any role, coordinator included


@dataclass(frozen=True)
class Method:
    """A way of ranking: the coordinator scores and the participant scores from signals."""

    name: str
    baseline: bool
    scores: Scorer
    uses_partner: bool = True


def _same(name: str) -> Scorer:
    return lambda found, _weights: (found[name], found[name])


def _learned(found: dict[str, Floats], weights: Weights) -> tuple[Floats, Floats]:
    return score(found, weights, "coordinator"), score(found, weights, "participant")


METHODS = (
    Method("learned combination of the signals", False, _learned),
    Method("learned combination, without the US participant", False, _learned, False),
    Method("coordinators in the programme part", True, _same("part_coordinated")),
    Method("organisations in the programme part, any role", True, _same("part")),
    Method("coordinators under the same topic prefix", True, _same("family_coordinated")),
    Method("field-of-science overlap", True, _same("fields")),
)


@dataclass(frozen=True)
class Row:
    """The scores of one method on one set of questions, with 95% bootstrap intervals."""

    method: str
    baseline: bool
    part: str
    cases: int
    coordinator_recall_at_20: float
    participant_recall_at_20: float
    mrr: float
    intervals: dict[str, tuple[float, float]]

    def as_json(self) -> dict[str, object]:
        """The row as `bilat evaluate partners --format json` prints it."""
        return {
            "method": self.method,
            "baseline": self.baseline,
            "coordinator_recall_at_20": round(self.coordinator_recall_at_20, 4),
            "participant_recall_at_20": round(self.participant_recall_at_20, 4),
            "mrr": round(self.mrr, 4),
            "cases": self.cases,
            "intervals": {k: [round(v[0], 4), round(v[1], 4)] for k, v in self.intervals.items()},
        }


@dataclass
class Evaluation:
    """A run: the rows overall and per programme part, the weights learned, the split."""

    split: int
    evidence_until: int
    learning_questions: int
    weights: Weights
    rows: list[Row] = field(default_factory=list)
    parts: list[Row] = field(default_factory=list)

    def best_baseline(self, metric: str) -> float:
        """The best baseline figure of the run for a metric."""
        return max(float(getattr(row, metric)) for row in self.rows if row.baseline)

    def target_met(self, metric: str) -> bool:
        """Whether the method reaches the target on `metric`: the absolute level, and
        `TARGET_RATIO` times the best baseline of the same run."""
        method = float(getattr(self.rows[0], metric))
        return method >= TARGET[metric] and method >= TARGET_RATIO * self.best_baseline(metric)


def cases(warehouse: Warehouse, *, since: int, until: int | None = None) -> list[Case]:
    """The projects of [`since`, `until`] with a US participant and a European one."""
    period = records.load(warehouse, since=since, until=until if until is not None else 9999)
    titles = period.project_title
    found = []
    order = np.argsort(period.participation_project, kind="stable")
    bounds = np.searchsorted(period.participation_project[order], np.arange(period.projects + 1))
    for n in range(period.projects):
        if not period.project_listed[n]:
            continue  # the earlier record's projects are evidence, never questions
        rows = order[bounds[n] : bounds[n + 1]]
        orgs = period.participation_org[rows]
        members = tuple(sorted({int(period.pics[o]) for o in orgs if period.european[o]}))
        americans = tuple(sorted({int(period.pics[o]) for o in orgs if period.american[o]}))
        if not members or not americans:
            continue
        leads = {
            int(period.pics[o])
            for o, lead in zip(orgs, period.participation_coordinator[rows], strict=True)
            if lead
        }
        part, topic = period.project_part[n], period.project_topic[n]
        question = Question(
            parts=(part,) if part else (),
            topics=(topic,) if topic else (),
            fields=period.fields_of(n),
            text=titles[n] or "",
            partners=americans,
            side="EU",
        )
        found.append(
            Case(
                period.project_keys[n],
                period.project_acronym[n],
                part,
                question,
                tuple(sorted(leads & set(members))),
                members,
            )
        )
    return found


def learn(evidence: Evidence, questions: list[Case], *, seed: int = SEED) -> Weights:
    """Weights for both heads, fitted on `questions` ranked from `evidence`.

    Each question's true organisations are set against two kinds of others: a seeded random
    sample, and the `NEAR` organisations with the most projects in the question's part, topic
    family and fields. Random others alone are mostly small organisations any weights tell
    apart; the near ones are the organisations the true ones have to beat for the top 20.
    """
    generator = np.random.default_rng(seed)
    groups: dict[str, list[tuple[Floats, np.ndarray]]] = {
        "coordinator": [],
        "participant": [],
    }
    for case in questions:
        found = signals(evidence, case.question)
        x = learning.features(found, SIGNALS)
        pool = np.nonzero(eligible(evidence, case.question))[0]
        sample = generator.choice(pool, size=min(SAMPLE, len(pool)), replace=False)
        near = pool[_near(found, pool)]
        for head, truth in (
            ("coordinator", case.coordinators),
            ("participant", case.members),
        ):
            chosen = [n for n in (evidence.org(pic) for pic in truth) if n is not None]
            if not chosen:
                continue
            rows = np.union1d(np.union1d(sample, near), chosen)
            groups[head].append((x[rows], np.isin(rows, chosen)))
    return Weights(
        coordinator=tuple(float(w) for w in learning.fit_choice(groups["coordinator"])),
        participant=tuple(float(w) for w in learning.fit_choice(groups["participant"])),
    )


def _near(found: dict[str, Floats], pool: np.ndarray) -> np.ndarray:
    """Positions in `pool` of the `NEAR` organisations with most evidence for the question
    (projects in its part, topic family and fields; ties in pool order)."""
    plain = learning.features(found, ("part", "family", "fields"))[pool].sum(axis=1)
    return np.argsort(-plain, kind="stable")[:NEAR]


@dataclass(frozen=True)
class _Outcome:
    """One method on one question."""

    hit: bool
    found: int
    members: int
    reciprocal_rank: float
    coordinators: int


def _outcome(
    evidence: Evidence,
    case: Case,
    method: Method,
    found: dict[str, Floats],
    weights: Weights,
) -> _Outcome:
    lead_scores, member_scores = method.scores(found, weights)
    mask = eligible(evidence, case.question)
    leads = order(evidence, lead_scores, mask, None)
    members = set(order(evidence, member_scores, mask, TOP).tolist())
    position = {int(n): rank for rank, n in enumerate(leads.tolist(), start=1)}
    ranks = [
        position[n]
        for n in (evidence.org(p) for p in case.coordinators)
        if n is not None and n in position
    ]
    best = min(ranks, default=None)
    return _Outcome(
        hit=best is not None and best <= TOP,
        found=sum(1 for n in (evidence.org(p) for p in case.members) if n in members),
        members=len(case.members),
        reciprocal_rank=1.0 / best if best else 0.0,
        coordinators=len(case.coordinators),
    )


def _table(outcomes: list[_Outcome]) -> np.ndarray:
    return np.array(
        [(o.hit, o.found, o.members, o.reciprocal_rank, bool(o.coordinators)) for o in outcomes],
        dtype=np.float64,
    ).reshape(-1, 5)


def _figures(table: np.ndarray) -> dict[str, float]:
    """The three figures of a table of outcomes (one row per question)."""
    led = table[:, 4] > 0
    members = table[:, 2].sum()
    return {
        "coordinator_recall_at_20": float(table[led, 0].mean()) if led.any() else 0.0,
        "participant_recall_at_20": float(table[:, 1].sum() / members) if members else 0.0,
        "mrr": float(table[led, 3].mean()) if led.any() else 0.0,
    }


def _row(method: Method, part: str, outcomes: list[_Outcome], seed: int) -> Row:
    table = _table(outcomes)
    figures = _figures(table)
    generator = np.random.default_rng(seed)
    picks = generator.integers(0, len(outcomes), (RESAMPLES, len(outcomes)))
    draws = [_figures(table[pick]) for pick in picks]
    intervals = {
        metric: (
            float(np.percentile([d[metric] for d in draws], 2.5)),
            float(np.percentile([d[metric] for d in draws], 97.5)),
        )
        for metric in figures
    }
    return Row(
        method.name,
        method.baseline,
        part,
        len(outcomes),
        figures["coordinator_recall_at_20"],
        figures["participant_recall_at_20"],
        figures["mrr"],
        intervals,
    )


def evaluate(warehouse: Warehouse, *, split: int = SPLIT, seed: int = SEED) -> Evaluation:
    """The whole evaluation on the warehouse: learn, rank, score, with baselines."""
    earlier = cases(warehouse, since=split - 1, until=split - 1)
    weights = learn(records.load(warehouse, until=split - 2), earlier, seed=seed)
    evidence = records.load(warehouse, until=split - 1)
    questions = cases(warehouse, since=split)
    outcomes: dict[str, list[_Outcome]] = {method.name: [] for method in METHODS}
    for case in questions:
        full = signals(evidence, case.question)
        alone = signals(
            evidence,
            Question(
                case.question.parts,
                case.question.topics,
                case.question.fields,
                case.question.text,
            ),
        )
        for method in METHODS:
            found = full if method.uses_partner else alone
            outcomes[method.name].append(_outcome(evidence, case, method, found, weights))
    result = Evaluation(split, split - 1, len(earlier), weights)
    result.rows = [_row(m, "all", outcomes[m.name], seed) for m in METHODS]
    names = sorted({c.part for c in questions if c.part})
    for part in names:
        picks = [n for n, c in enumerate(questions) if c.part == part]
        if len(picks) < PART_MINIMUM:
            continue
        result.parts += [_row(m, part, [outcomes[m.name][n] for n in picks], seed) for m in METHODS]
    return result
