"""Matching directory organisations to their CORDIS organisation (PIC).

bilat suggests, an editor decides: a suggestion is stored as such and shown as "suggested";
only an editor's confirmation (of the suggestion, of another candidate, or of a PIC typed in)
sets the PIC, and an editor may say there is none, after which nothing more is suggested.
Nothing is guessed silently, and every step is in the change log.

Candidates are the CORDIS organisations of the same country, scored by the likeness of the
names (rapidfuzz's WRatio, after dropping case, punctuation and legal forms), which finds
"University of Michigan" in "UNIVERSITY OF MICHIGAN THE REGENTS OF THE UNIVERSITY". A
suggestion needs more: the names alike as wholes and in order (`ratio` >= `SUGGEST_AT`).
WRatio scores "University" 90 against every university, and even the word-order-blind
`token_sort_ratio` gives "University of Michigan" 85 against "Michigan State University";
on the bundled data `ratio` suggests "The Regents of the University of California",
"Technische Universität München" and "Centre national de la recherche scientifique" rightly
and suggests nothing for those two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz, process, utils

from bilat.coordination.audit.operations import Actor, record
from bilat.coordination.stakeholders.models import MatchState, Organisation
from bilat.errors import CoordinationError
from bilat.records.namesakes import Namesake, organisation_of, organisations_in
from bilat.warehouse.store import Warehouse

SUGGEST_AT = 90.0
SHOWN_FROM = 60.0
CANDIDATES = 5

# Words that say what kind of legal body an organisation is, not which one.
_LEGAL = re.compile(
    r"\b(the|inc|incorporated|llc|ltd|limited|corp|corporation|co|plc|gmbh|ag|sa|sas|srl|"
    r"spa|bv|nv|ab|oy|as|aps|ev|ev|mbh)\b"
)


@dataclass(frozen=True)
class Candidate:
    """A CORDIS organisation that may be this one, and how alike the names are (0-100)."""

    namesake: Namesake
    score: float
    whole: float  # likeness of the names as wholes and in order, which a suggestion needs


def normal(name: str) -> str:
    """A name for comparing: lower case, letters and digits, no legal form."""
    return " ".join(_LEGAL.sub(" ", utils.default_process(name)).split())


def candidates(warehouse: Warehouse, organisation: Organisation) -> list[Candidate]:
    """The CORDIS organisations of the organisation's country whose names are most like its
    own, best first (none without a country: a name alone matches too much)."""
    if not organisation.country:
        return []
    pool = organisations_in(warehouse, organisation.country)
    wanted = normal(organisation.name)
    if not wanted or not pool:
        return []
    found = process.extract(
        wanted,
        [normal(n.name) for n in pool],
        scorer=fuzz.WRatio,
        processor=None,
        limit=CANDIDATES,
        score_cutoff=SHOWN_FROM,
    )
    return [
        Candidate(pool[i], round(score, 1), fuzz.ratio(wanted, text)) for text, score, i in found
    ]


@transaction.atomic
def suggest(actor: Actor, warehouse: Warehouse, organisation: Organisation) -> bool:
    """Store the best candidate as a suggestion when it is alike enough; returns whether one
    is suggested. An organisation with a PIC, or that an editor said has none, is left."""
    if organisation.pic is not None or organisation.match_checked is not None:
        return False
    found = [c for c in candidates(warehouse, organisation) if c.whole >= SUGGEST_AT]
    if not found:
        return False
    best = max(found, key=lambda c: c.whole)
    if organisation.suggested_pic == best.namesake.pic:
        return True
    organisation.match_state = MatchState.SUGGESTED
    organisation.suggested_pic = best.namesake.pic
    organisation.suggested_name = best.namesake.name
    organisation.suggestion_score = best.score
    organisation.save()
    record(
        actor,
        "suggest PIC",
        organisation,
        ["match_state", "suggested_pic"],
        note=f"{best.namesake.pic} {best.namesake.name} (likeness {best.score:.0f})",
    )
    return True


def suggest_all(actor: Actor, warehouse: Warehouse) -> int:
    """Suggest a PIC for every organisation without one that no editor has decided on;
    returns how many have a suggestion now."""
    waiting = Organisation.objects.filter(pic__isnull=True, match_checked__isnull=True)
    return sum(suggest(actor, warehouse, o) for o in waiting.exclude(country=""))


@transaction.atomic
def confirm(actor: Actor, warehouse: Warehouse, organisation: Organisation, pic: int) -> None:
    """An editor confirms `pic` as the organisation's CORDIS organisation: the suggestion,
    another candidate, or a PIC typed in (which must be in the warehouse)."""
    found = organisation_of(warehouse, pic)
    if found is None:
        raise CoordinationError(f"No CORDIS organisation has the PIC {pic}.", field="pic")
    how = "confirm PIC" if organisation.suggested_pic == pic else "correct PIC"
    organisation.pic = pic
    organisation.match_checked = timezone.now()
    _forget_suggestion(organisation)
    organisation.save()
    record(actor, how, organisation, ["pic", "match_state"], note=f"{pic} {found.name}")


@transaction.atomic
def no_match(actor: Actor, organisation: Organisation) -> None:
    """An editor says the organisation has no CORDIS organisation (or not this one): no PIC,
    no suggestion, and none suggested again."""
    organisation.pic = None
    organisation.match_state = MatchState.NONE
    organisation.match_checked = timezone.now()
    _forget_suggestion(organisation)
    organisation.save()
    record(actor, "no PIC", organisation, ["pic", "match_state"])


def _forget_suggestion(organisation: Organisation) -> None:
    organisation.suggested_pic = None
    organisation.suggested_name = ""
    organisation.suggestion_score = None
