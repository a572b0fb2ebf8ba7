"""Which EU-side and US-side participants of a workshop should meet, and why.

Only confirmed registrants who agreed to be matched (consent purpose `meetings`) take part.
A pair is scored from its organisations' track record where both have a confirmed PIC: the
partner suggestions of `bilat.bridges` for the US organisation among European ones (the
higher it ranks the EU organisation, the better), with the suggestion's own reasons. Where
the record says nothing (no PIC, or not in the suggestions), fields and themes the two
people and their organisations share, and the event's themes among them, decide. A pair
with no reason at all is not proposed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bilat.bridges import search
from bilat.coordination.events.models import Event, Status
from bilat.coordination.stakeholders.models import Person, Purpose
from bilat.errors import BilatError
from bilat.serving import warehouse

# How many European suggestions are read for each US organisation (the bridges' maximum).
DEPTH = search.MAXIMUM
SHOWN_REASONS = 3


@dataclass(frozen=True)
class Proposal:
    eu: Person
    us: Person
    score: float
    reasons: tuple[str, ...]


def candidates(event: Event) -> tuple[list[Person], list[Person]]:
    """The EU-side and the US-side people confirmed for `event` who agree to be matched."""
    people = (
        Person.objects.filter(
            registrations__event=event,
            registrations__status=Status.CONFIRMED,
            consent__purpose=Purpose.MEETINGS,
            consent__withdrawn__isnull=True,
            side__in=("EU", "US"),
        )
        .select_related("organisation")
        .prefetch_related("themes", "organisation__themes")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    found = list(people)
    return [p for p in found if p.side == "EU"], [p for p in found if p.side == "US"]


def _themes(person: Person) -> set[str]:
    mine = {t.name for t in person.themes.all()}
    if person.organisation is not None:
        mine |= {t.name for t in person.organisation.themes.all()}
    return mine


def _record(us_pics: Iterable[int]) -> dict[tuple[int, int], tuple[int, list[str]]]:
    """(US PIC, EU PIC) → (rank of the EU organisation among the US one's European
    suggestions, the reasons), for every US PIC the record knows."""
    found: dict[tuple[int, int], tuple[int, list[str]]] = {}
    for pic in sorted(set(us_pics)):
        try:
            suggested = search.for_organisation(warehouse(), pic, side="EU", limit=DEPTH)
        except BilatError:  # no warehouse, or an organisation without participations
            continue
        for row in suggested.rows:
            found[(pic, int(str(row["pic"])))] = (
                int(str(row["rank"])),
                [str(r) for r in row["reasons"]],  # type: ignore[attr-defined]
            )
    return found


def _pic(person: Person) -> int | None:
    return person.organisation.pic if person.organisation is not None else None


def proposals(event: Event) -> list[Proposal]:
    """Every EU-US pair worth a meeting, best first, each with its reasons."""
    eu_side, us_side = candidates(event)
    record = _record(p for p in (_pic(u) for u in us_side) if p is not None)
    event_themes = {t.name for t in event.themes.all()}
    themes = {p.pk: _themes(p) for p in (*eu_side, *us_side)}
    found = []
    for us in us_side:
        for eu in eu_side:
            score, reasons = 0.0, []
            us_pic, eu_pic = _pic(us), _pic(eu)
            if us_pic is not None and eu_pic is not None and (us_pic, eu_pic) in record:
                rank, said = record[(us_pic, eu_pic)]
                score += 2.0 + (DEPTH - rank) / DEPTH
                reasons.append(
                    f"CORDIS track record: {eu.organisation} is suggestion no. {rank} "
                    f"of partner search for {us.organisation}"
                )
                reasons.extend(said[:SHOWN_REASONS])
            shared = sorted(themes[eu.pk] & themes[us.pk])
            if shared:
                score += len(shared) * 0.5 + 0.5 * len(event_themes.intersection(shared))
                reasons.append("Both work on " + ", ".join(shared))
            if score > 0:
                found.append(Proposal(eu, us, round(score, 3), tuple(reasons)))
    return sorted(found, key=lambda p: (-p.score, p.eu.pk, p.us.pk))
