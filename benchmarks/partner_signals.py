"""Ranking signals tried for partner search, measured on the evidence period only.

The evaluation scores questions of call year 2023 on; every choice of signals must be made
without them. This script measures candidate signals on the split the weights are learned on
(record up to call year 2021, the questions of 2022 with a US participant), by two-fold
cross-validation over those questions: weights fitted on one half (the same conditional logit
and the same candidates as `evaluation.learn`), recall and reciprocal rank measured on the
other, then the halves swapped. The figures say which signals the evidence supports; the
scored period is never read.

Candidates beside the shipped signals (`signals.SIGNALS`):
- `walk`: a random walk with restart on the graph of organisations and projects, restarting
  from the projects that share the question's fields within its part and its deepest topic
  family (personalised PageRank, 8 steps, restart 0.3): proximity in the co-participation
  network to the organisations active in the area.
- `level1`..`level4`: projects sharing the question's fields at one EuroSciVoc level each
  (`/natural sciences`, `/natural sciences/biological sciences`...), within the part.
- `deepest_family`: projects under the deepest topic family shared with the question, with
  `fields_in_family` the ones of them that share fields.
- `text_fields`: projects in the fields of science the question's words name (free text
  turned into field keys; a question's text is its topic's title).
- `partners_in_part`: projects with the question's partner within its part; and
  `small_in_part_coordinated`: coordinations of projects of at most two organisations in the
  part (a fellowship's host and its partner abroad, which the Horizon 2020 record, without
  topics, tells from a doctoral network only by size).

Run: `cd benchmarks && ../.venv/bin/python partner_signals.py WAREHOUSE` (the bundled one).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from bilat.bridges import evaluation, learning
from bilat.bridges import evidence as records
from bilat.bridges.evidence import Evidence, Floats, words
from bilat.bridges.ranking import eligible
from bilat.bridges.signals import SIGNALS, Question, project_weights, signals
from bilat.warehouse.store import Warehouse

TOP = 20
PLAIN = [SIGNALS.index(n) for n in ("part", "family", "fields")]  # what `evaluation._near` sums
RESTART = 0.3
STEPS = 8
FOLDS = 2
SEED = 20220101


def walk(evidence: Evidence, seeds: Floats) -> Floats:
    """Visits of each organisation by a random walk on the project-organisation graph that
    restarts at the seed projects (weighted), summed over `STEPS` steps."""
    if not seeds.any():
        return np.zeros(evidence.organisations)
    start = seeds / seeds.sum()
    project_degree = np.maximum(np.bincount(evidence.participation_project), 1)
    org_degree = np.maximum(np.bincount(evidence.participation_org), 1)
    where, visits = start, np.zeros(evidence.organisations)
    for _ in range(STEPS):
        at_orgs = np.bincount(
            evidence.participation_org,
            weights=(where / project_degree)[evidence.participation_project],
            minlength=evidence.organisations,
        )
        visits += at_orgs
        back = np.bincount(
            evidence.participation_project,
            weights=(at_orgs / org_degree)[evidence.participation_org],
            minlength=evidence.projects,
        )
        where = RESTART * start + (1 - RESTART) * back
    return visits * 1000  # counts of the order of the others before the logarithm


def candidates(evidence: Evidence, question: Question) -> dict[str, Floats]:
    """Every shipped signal and every candidate, per organisation."""
    weights = project_weights(evidence, question)
    found = signals(evidence, question, weights)
    family = weights["family"]
    deepest = ((family >= family.max(initial=0)) & (family > 0)).astype(np.float64)
    within = weights["part"] if question.parts else np.ones(evidence.projects)
    projects = {"deepest_family": deepest, "fields_in_family": weights["fields"] * deepest}
    for level in (1, 2, 3, 4):
        keys = [k for k in question.field_keys if min(k.count("/"), 4) == level]
        shared = evidence.projects_of(keys, evidence.by_field)
        one = np.zeros(evidence.projects)
        one[shared] = 1.0
        projects[f"level{level}"] = one * within
    for name, weight in projects.items():
        found[name] = evidence.scores(weight)
        found[f"{name}_coordinated"] = evidence.scores(weight, coordinators=True)
    found["walk"] = walk(evidence, weights["fields"] * within + deepest)
    named = fields_named(evidence, question.words)
    text_fields = np.zeros(evidence.projects)
    for key in named:
        text_fields[evidence.by_field[key]] += evidence.field_idf[key]
    found["text_fields"] = evidence.scores(text_fields)
    found["text_fields_coordinated"] = evidence.scores(text_fields, coordinators=True)
    found["partners_in_part"] = evidence.scores(weights["partners"] * within)
    small = (evidence.project_orgs.sizes() <= 2).astype(np.float64)
    found["small_in_part_coordinated"] = evidence.scores(small * within, coordinators=True)
    return found


def fields_named(evidence: Evidence, asked: set[str]) -> list[str]:
    """The fields of science whose whole name is among the question's words (`oncology`,
    `artificial intelligence`): free text turned into field keys."""
    return [
        key
        for key in evidence.by_field
        if (named := words(key.rsplit("/", 1)[-1])) and named <= asked
    ]


def prepared(
    evidence: Evidence, cases: list[evaluation.Case], names: list[str]
) -> list[dict[str, Any]]:
    """Per question: the log features of its eligible organisations and where the truth is."""
    found = []
    for case in cases:
        values = candidates(evidence, case.question)
        pool = np.flatnonzero(eligible(evidence, case.question))
        x = learning.features({n: values[n][pool] for n in names}, tuple(names))
        position = {int(n): i for i, n in enumerate(pool.tolist())}
        truth = {
            head: [position[n] for n in map(evidence.org, pics) if n in position]
            for head, pics in (("coordinator", case.coordinators), ("participant", case.members))
        }
        found.append(
            {
                "x": x.astype(np.float32),
                "projects": evidence.project_count[pool],
                "truth": truth,
                "led": bool(case.coordinators),
                "members": len(case.members),
            }
        )
    return found


def fit(questions: list[dict[str, Any]], columns: list[int], head: str, seed: int) -> Floats:
    """The conditional logit on each question's truth against a seeded sample and the
    organisations with most plain evidence (as `evaluation.learn` draws them)."""
    generator = np.random.default_rng(seed)
    groups = []
    for q in questions:
        truth = q["truth"][head]
        if not truth:
            continue
        x = q["x"].astype(np.float64)
        sample = generator.choice(len(x), size=min(evaluation.SAMPLE, len(x)), replace=False)
        near = np.argsort(-x[:, PLAIN].sum(axis=1), kind="stable")[: evaluation.NEAR]
        rows = np.union1d(np.union1d(sample, near), truth)
        groups.append((x[np.ix_(rows, columns)], np.isin(rows, truth)))
    return learning.fit_choice(groups)


def score(
    questions: list[dict[str, Any]], columns: list[int], weights: dict[str, Floats]
) -> Floats:
    """Coordinator recall@20, participant recall@20 and MRR of the weights on `questions`."""
    hits = led = found = members = 0
    reciprocal = 0.0
    for q in questions:
        x = q["x"][:, columns].astype(np.float64)
        # ties by projects then PIC (pool order), as `ranking.order` breaks them
        tiebreak = (np.arange(len(x)), -q["projects"])
        if q["led"]:
            led += 1
            ranked = np.lexsort((*tiebreak, -(x @ weights["coordinator"])))
            position = np.empty(len(x), np.int64)
            position[ranked] = np.arange(1, len(x) + 1)
            best = min((int(position[n]) for n in q["truth"]["coordinator"]), default=None)
            if best is not None:
                hits += best <= TOP
                reciprocal += 1 / best
        top = set(np.lexsort((*tiebreak, -(x @ weights["participant"])))[:TOP].tolist())
        found += sum(1 for n in q["truth"]["participant"] if n in top)
        members += q["members"]
    return np.array([hits / led, found / members, reciprocal / led])


def main() -> None:
    warehouse = Warehouse(Path(sys.argv[1]))
    split = evaluation.SPLIT - 1
    evidence = records.load(warehouse, until=split - 1)
    cases = evaluation.cases(warehouse, since=split, until=split)
    shipped = list(SIGNALS)
    extra = ["walk", "deepest_family", "deepest_family_coordinated", "fields_in_family"]
    extra += [f"level{n}" for n in (1, 2, 3, 4)]
    extra += ["text_fields", "text_fields_coordinated"]
    extra += ["partners_in_part", "small_in_part_coordinated"]
    names = shipped + extra
    questions = prepared(evidence, cases, names)
    sets = {
        "shipped signals": shipped,
        "without partners of partners": [n for n in shipped if n != "partners_of_partners"],
        "+ random walk with restart": [*shipped, "walk"],
        "+ fields at each EuroSciVoc level": [*shipped, *(f"level{n}" for n in (1, 2, 3, 4))],
        "+ deepest topic family": [*shipped, *extra[1:4]],
        "+ fields named by the question's words": [*shipped, *extra[-4:-2]],
        "+ partner within the part, fellowship-sized coordinations": [*shipped, *extra[-2:]],
        "+ all of these": names,
        "random walk alone": ["walk"],
    }
    # The evaluation's baselines, each a ranking by one count (`evaluation.METHODS`).
    baselines = {
        "coordinators in the programme part": "part_coordinated",
        "organisations in the programme part, any role": "part",
        "coordinators under the same topic prefix": "family_coordinated",
        "field-of-science overlap": "fields",
    }
    order = np.random.default_rng(SEED).permutation(len(questions))
    print(f"{len(questions)} questions of {split}, record to {split - 1}, {FOLDS}-fold")
    print("| signals | coordinator recall@20 | participant recall@20 | MRR |")
    print("|---|---|---|---|")
    for label, chosen in sets.items():
        columns = [names.index(n) for n in chosen]
        figures = []
        for fold in range(FOLDS):
            held = [questions[i] for i in order[fold::FOLDS]]
            train = [questions[i] for i in np.setdiff1d(order, order[fold::FOLDS])]
            weights = {
                head: fit(train, columns, head, SEED) for head in ("coordinator", "participant")
            }
            figures.append(score(held, columns, weights))
        c, p, m = np.mean(figures, axis=0)
        print(f"| {label} | {c:.1%} | {p:.1%} | {m:.1%} |")
    for label, signal in baselines.items():
        one = {head: np.ones(1) for head in ("coordinator", "participant")}
        c, p, m = score(questions, [names.index(signal)], one)
        print(f"| baseline: {label} | {c:.1%} | {p:.1%} | {m:.1%} |")


if __name__ == "__main__":
    main()
