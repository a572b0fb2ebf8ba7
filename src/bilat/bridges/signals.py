"""A question, and the evidence each organisation has for it, signal by signal.

A `Question` is what partner search is asked about: programme parts, topic codes, fields of
science, words, and organisations to partner with (the US participant of a planned project, or
the organisation asking). `signals` gives, for every organisation of the record, one count per
signal: projects in the same part, under the same topic family, in the same fields, with the
same words, with the same partners; each in any role and as coordinator. The ranking combines
their logarithms with learned weights; the reasons quote them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from bilat.bridges.evidence import (
    Evidence,
    Floats,
    Ints,
    field_paths,
    topic_families,
    words,
)

# The signals, in the order of the weight vectors. Each is a count per organisation.
SIGNALS = (
    "part",  # projects in the question's programme part
    "part_coordinated",  # ... of which coordinated
    "family",  # projects under the question's topic family (call year ignored)
    "family_coordinated",
    "fields",  # projects weighted by the fields of science they share with the question
    "fields_coordinated",
    "fields_in_part",  # the same, within the programme part
    "fields_in_part_coordinated",
    "words",  # projects weighted by the words of titles and fields they share
    "words_coordinated",
    "partners",  # projects with one of the question's partner organisations
    "partners_of_partners",  # projects with organisations that worked with those partners
    "across",  # projects with a participant across the Atlantic (US for the EU side)
    "across_coordinated",
    "across_in_part",  # ... within the programme part
    "across_in_part_coordinated",
    "projects",  # all projects
    "coordinated",
    "recent",  # projects of the last two years of the record
)


@dataclass(frozen=True)
class Question:
    """What a ranking is asked about; every part may be empty."""

    parts: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    text: str = ""
    partners: tuple[int, ...] = ()
    # The side the suggestions are on: EU (member states and associated countries) or US.
    side: str = "EU"
    exclude: tuple[int, ...] = field(default=())

    @cached_property
    def families(self) -> list[str]:
        """The topic families of the question's topics (a prefix such as `HORIZON-CL5` is
        its own broadest family)."""
        return sorted({f for topic in self.topics for f in topic_families(topic)})

    @cached_property
    def field_keys(self) -> list[str]:
        """The question's fields with their ancestors."""
        return sorted({a for path in self.fields for a in field_paths(path)})

    @property
    def words(self) -> set[str]:
        """The words of the free text."""
        return set(words(self.text))


def _weighted(
    evidence: Evidence,
    keys: Sequence[str],
    index: Mapping[str, Ints],
    idf: dict[str, float],
) -> Floats:
    """Project weights: the share of the question's idf mass each project matches."""
    weight = np.zeros(evidence.projects)
    total = sum(idf.get(key, 0.0) for key in keys)
    if not total:
        return weight
    for key in keys:
        found = index.get(key)
        if found is not None:
            weight[found] += idf[key] / total
    return weight


def _indicator(evidence: Evidence, projects: Ints) -> Floats:
    weight = np.zeros(evidence.projects)
    weight[projects] = 1.0
    return weight


def project_weights(evidence: Evidence, question: Question) -> dict[str, Floats]:
    """For each kind of evidence, how much each project speaks to the question."""
    part = _indicator(evidence, evidence.projects_of(question.parts, evidence.by_part))
    family = np.zeros(evidence.projects)
    for key in question.families:
        found = evidence.by_family.get(key)
        if found is not None:
            # Deeper shared prefixes say more: HORIZON-CL5 counts 1, HORIZON-CL5-D3 2...
            family[found] = np.maximum(family[found], key.count("-"))
    fields = _weighted(evidence, question.field_keys, evidence.by_field, evidence.field_idf)
    text = _weighted(evidence, sorted(question.words), evidence.by_word, evidence.word_idf)
    partners = np.zeros(evidence.projects)
    known = [evidence.org(pic) for pic in question.partners]
    mine = [evidence.org_projects[n] for n in known if n is not None]
    if mine:
        partners[np.unique(np.concatenate(mine))] = 1.0
    across = (
        evidence.project_has_american if question.side == "EU" else (evidence.project_has_european)
    )
    latest = evidence.project_year.max(initial=0)
    return {
        "part": part,
        "family": family,
        "fields": fields,
        "fields_in_part": fields * part if question.parts else fields,
        "words": text,
        "partners": partners,
        "across": across.astype(np.float64),
        "across_in_part": across * part if question.parts else across.astype(np.float64),
        "projects": np.ones(evidence.projects),
        "recent": (evidence.project_year >= latest - 1).astype(np.float64),
    }


# Signals that do not depend on the question, only on its side: computed once per record.
_FIXED = ("across", "projects", "recent")


def signals(
    evidence: Evidence, question: Question, weights: dict[str, Floats] | None = None
) -> dict[str, Floats]:
    """Every signal of `SIGNALS` for every organisation of the record (from the project
    weights when the caller has them already)."""
    weights = weights if weights is not None else project_weights(evidence, question)
    found: dict[str, Floats] = {}
    nothing = np.zeros(evidence.organisations)
    for name, keys in _keyed(evidence, question).items():
        found[name], found[f"{name}_coordinated"] = evidence.postings[name].sums(
            keys, evidence.organisations
        )
    for name, weight in weights.items():
        if name in _FIXED or name in found:
            continue
        asked = bool(weight.any())  # an empty part of the question costs no sum
        found[name] = evidence.scores(weight) if asked else nothing
        coordinated = f"{name}_coordinated"
        if coordinated in SIGNALS:
            found[coordinated] = evidence.scores(weight, coordinators=True) if asked else nothing
    found |= _fixed(evidence, question.side, weights)
    found["partners_of_partners"] = _second_step(evidence, found["partners"])
    return {name: found[name] for name in SIGNALS}


def _keyed(evidence: Evidence, question: Question) -> dict[str, dict[str, float]]:
    """The weight of each key of the question in the part, family and field signals, summed
    from the organisations' counts per key (`Evidence.postings`). They give the same sums as
    the project weights of `project_weights`: a project has one part; its topic families are
    a chain of prefixes, so the families it shares with the question are the first few of
    that chain and their number is the deepest one's depth; fields add up their idf shares."""
    total = sum(evidence.field_idf.get(key, 0.0) for key in question.field_keys)
    return {
        "part": {part: 1.0 for part in question.parts},
        "family": {key: float(key.count("-") > 0) for key in question.families},
        "fields": {key: evidence.field_idf.get(key, 0.0) / total for key in question.field_keys}
        if total
        else {},
    }


def _fixed(evidence: Evidence, side: str, weights: dict[str, Floats]) -> dict[str, Floats]:
    """The question-independent signals of one side, remembered on the record."""
    names = ("across", "across_coordinated", "projects", "coordinated", "recent")
    if f"projects/{side}" not in evidence.fixed:
        computed = {
            "across": evidence.scores(weights["across"]),
            "across_coordinated": evidence.scores(weights["across"], coordinators=True),
            "projects": evidence.scores(weights["projects"]),
            "coordinated": evidence.scores(weights["projects"], coordinators=True),
            "recent": evidence.scores(weights["recent"]),
        }
        evidence.fixed.update({f"{name}/{side}": value for name, value in computed.items()})
    return {name: evidence.fixed[f"{name}/{side}"] for name in names}


def _second_step(evidence: Evidence, partners: Floats) -> Floats:
    """Projects shared with the organisations that worked with the question's partners: who
    could introduce whom."""
    near = partners > 0
    if not near.any():
        return np.zeros(evidence.organisations)
    weight = np.bincount(
        evidence.participation_project,
        weights=near[evidence.participation_org],
        minlength=evidence.projects,
    )
    return evidence.scores(np.minimum(weight, 1.0))
