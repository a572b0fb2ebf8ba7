"""Why an organisation is suggested, in words and figures.

Each reason quotes the record behind a signal: the projects in the same programme part or
topic family, the fields of science in common, the partners who could introduce the two sides,
the projects with participants across the Atlantic, the coordinations, the latest activity and
the EU contribution received. Reasons are computed only for the organisations shown.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from bilat.bridges.evidence import Evidence, Floats, topic_families
from bilat.bridges.postings import ranges
from bilat.bridges.ranking import Ranked
from bilat.bridges.signals import Question
from bilat.formatting import euros

SHOWN_FIELDS = 3
SHOWN_PARTNERS = 3


def reasons(
    evidence: Evidence,
    question: Question,
    ranked: Ranked,
    org: int,
    names: Mapping[int, str],
    *,
    introducers: Floats | None = None,
) -> list[str]:
    """The reasons for suggesting organisation `org` (an index of `evidence`); `introducers`
    are the partner's `neighbours` when the caller has them (one partner, many suggestions)."""
    mine = evidence.org_projects[org]
    found = ranked.signals
    said: list[str] = []
    if question.parts and found["part"][org]:
        said.append(
            f"{_projects(found['part'][org])} in the same programme part "
            f"({int(found['part_coordinated'][org])} coordinated)"
        )
    families = _families(evidence, question, org, ranked.projects["family"])
    if families:
        said.append(families)
    fields = _fields(evidence, question, mine[ranked.projects["fields"][mine] > 0])
    if fields:
        said.append(fields)
    shared = _words(evidence, question, mine)
    if shared:
        said.append(shared)
    partners = _partners(evidence, question, org, names, introducers)
    said.extend(partners)
    across = "US" if question.side == "EU" else "European"
    if found["across"][org]:
        said.append(
            f"{_projects(found['across'][org])} with {across} participants "
            f"({int(found['across_coordinated'][org])} coordinated)"
        )
    said.append(_activity(evidence, org, mine, found))
    return said


def _projects(count: float) -> str:
    number = int(count)
    return f"{number} project" if number == 1 else f"{number} projects"


def _families(evidence: Evidence, question: Question, org: int, depth: Floats) -> str | None:
    """The deepest topic family shared, with the organisation's projects as deep and how many
    of them it coordinated (what a coordinator of the area is asked for)."""
    mine = evidence.org_projects[org]
    if not len(mine) or depth[mine].max(initial=0) <= 0:
        return None
    deepest = depth[mine].max()
    under = mine[depth[mine] == deepest]
    asked = set(question.families)
    shared = [f for f in topic_families(evidence.project_topic[int(under[0])]) if f in asked]
    if not shared:
        return None
    led = np.isin(under, evidence.org_coordinated[org]).sum()
    return f"{_projects(len(under))} under topics {shared[-1]}-… ({int(led)} coordinated)"


def _fields(evidence: Evidence, question: Question, mine: np.ndarray) -> str | None:
    """The most specific fields of science in common, with how many projects share each."""
    asked = [evidence.by_field.numbers[k] for k in question.field_keys if k in evidence.by_field]
    if not asked:
        return None
    slices = evidence.project_field_numbers
    numbers = slices.values[ranges(slices.bounds[mine], slices.bounds[mine + 1])]
    found, counts = np.unique(numbers[np.isin(numbers, asked)], return_counts=True)
    if not len(found):
        return None
    shared = [
        (evidence.key_names[k], c) for k, c in zip(found.tolist(), counts.tolist(), strict=True)
    ]
    best = sorted(shared, key=lambda item: (-item[0].count("/"), -item[1], item[0]))
    named = [f"{path.rsplit('/', 1)[-1]} ({count})" for path, count in best[:SHOWN_FIELDS]]
    return "fields of science in common: " + ", ".join(named)


def _words(evidence: Evidence, question: Question, mine: np.ndarray) -> str | None:
    """The words of the question found in the organisation's topics, fields and parts."""
    counts = []
    for word in sorted(question.words):
        found = evidence.by_word.get(word)
        if found is not None:
            shared = len(np.intersect1d(mine, found, assume_unique=True))
            if shared:
                counts.append((word, shared))
    if not counts:
        return None
    counts.sort(key=lambda item: -item[1])
    return "words in common: " + ", ".join(f"{w} ({n})" for w, n in counts[:SHOWN_FIELDS])


def _partners(
    evidence: Evidence,
    question: Question,
    org: int,
    names: Mapping[int, str],
    introducers: Floats | None,
) -> list[str]:
    """Projects with the question's partners, and (for one partner, the organisation that
    asks) the partners in common who could introduce the two."""
    mine = evidence.org_projects[org]
    worked = []
    for pic in question.partners:
        other = evidence.org(pic)
        if other is None or other == org:
            continue
        together = len(np.intersect1d(mine, evidence.org_projects[other], assume_unique=True))
        if together:
            worked.append((together, str(names.get(pic, pic))))
    said = []
    if worked:
        worked.sort(key=lambda item: (-item[0], item[1]))
        listed = ", ".join(
            f"{name} ({_projects(count)})" for count, name in worked[:SHOWN_PARTNERS]
        )
        more = f" and {len(worked) - SHOWN_PARTNERS} more" if len(worked) > SHOWN_PARTNERS else ""
        said.append(f"worked with {listed}{more}")
    other = evidence.org(question.partners[0]) if len(question.partners) == 1 else None
    if other is not None and other != org:
        common = _common(evidence, org, other, introducers)
        if len(common):
            listed = ", ".join(
                str(names.get(int(evidence.pics[n]), evidence.pics[n]))
                for n in common[:SHOWN_PARTNERS]
            )
            said.append(f"{len(common)} partners in common who could introduce you: {listed}")
    return said


def neighbours(evidence: Evidence, org: int) -> Floats:
    """How many projects each organisation shares with `org`."""
    projects = evidence.org_projects[org]
    bounds = evidence.project_orgs.bounds
    orgs = evidence.project_orgs.values[ranges(bounds[projects], bounds[projects + 1])]
    return np.bincount(orgs, minlength=evidence.organisations).astype(np.float64)


def _common(evidence: Evidence, first: int, second: int, introducers: Floats | None) -> np.ndarray:
    """Organisations that worked with both, most shared projects first."""
    projects = evidence.org_projects[first]
    bounds = evidence.project_orgs.bounds
    orgs = evidence.project_orgs.values[ranges(bounds[projects], bounds[projects + 1])]
    found, one = np.unique(orgs, return_counts=True)  # the first's partners, sparse
    two = introducers if introducers is not None else neighbours(evidence, second)
    keep = (two[found] > 0) & (found != first) & (found != second)
    found, shared = found[keep], one[keep] + two[found[keep]]
    ranked: np.ndarray = found[np.lexsort((evidence.pics[found], -shared))]
    return ranked


def _activity(evidence: Evidence, org: int, mine: np.ndarray, found: Mapping[str, Floats]) -> str:
    """Projects (those of the earlier record counted apart), coordinations, the latest year
    and the EU contribution received."""
    received = float(evidence.org_ec[org])
    years = evidence.project_year[mine]
    latest = int(years.max()) if len(years) and years.max() > 0 else None
    text = f"{_projects(len(mine))} in all"
    earlier = int((~evidence.project_listed[mine]).sum())
    if earlier:
        # The earlier record's projects count too; say how many, as no page lists them.
        text += f" ({earlier} of them in the Horizon 2020 record)"
    text += f", {int(found['coordinated'][org])} coordinated"
    if latest:
        text += f", latest in {latest}"
    if not earlier:
        return text + f", EU contribution {euros(received)}"
    # The record leaves most contributions out: summed over the other projects only.
    if earlier == len(mine):
        return text + ", EU contribution not known (the record does not give it)"
    return text + f", EU contribution {euros(received)} in the other {len(mine) - earlier}"
