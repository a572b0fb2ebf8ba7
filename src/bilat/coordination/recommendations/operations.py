"""Verbs that change recommendations; each writes the change log, and every status change
also goes to the recommendation's own dated history, with who made it."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.db import transaction

from bilat.coordination.audit.operations import Actor, record, user_of
from bilat.coordination.recommendations.models import (
    Evidence,
    Recommendation,
    Status,
    StatusChange,
)
from bilat.errors import CoordinationError

# The observatory's pages that can back a recommendation (an indicator view, a listing, an
# export or a report); other evidence must be a full http(s) address.
OBSERVATORY_PATHS = (
    "/country/",
    "/explore/",
    "/export/",
    "/report/",
    "/organisation/",
    "/project/",
    "/sources/",
    "/api/",
)


def check_link(link: str) -> str:
    """An evidence link: a page of this observatory, or a web address."""
    link = link.strip()
    parts = urlsplit(link)
    if parts.scheme in ("http", "https") and parts.netloc:
        return link
    if not parts.scheme and link.startswith(OBSERVATORY_PATHS):
        return link
    raise CoordinationError(
        f"{link!r} is neither a page of the observatory (a path starting with "
        f"{', '.join(OBSERVATORY_PATHS)}) nor an http(s) address.",
        field="link",
    )


@transaction.atomic
def create_recommendation(
    actor: Actor,
    recommendation: Recommendation,
    *,
    events: Iterable[object] = (),
    evidence: Iterable[tuple[str, str]] = (),
) -> Recommendation:
    """Save a new recommendation, its source events and evidence; its history starts."""
    links = _checked(evidence)
    recommendation.save()
    recommendation.source_events.set(list(events))  # type: ignore[arg-type]
    _add_evidence(recommendation, links)
    StatusChange.objects.create(
        recommendation=recommendation,
        old="",
        new=recommendation.status,
        by=user_of(actor),
        note="created",
    )
    record(actor, "create", recommendation)
    return recommendation


@transaction.atomic
def update_recommendation(
    actor: Actor,
    recommendation: Recommendation,
    changed: Iterable[str],
    *,
    events: Iterable[object] | None = None,
    evidence: Iterable[tuple[str, str]] = (),
) -> None:
    """Save the edits (the fields named in `changed`, already set on the object), its
    source events when given, and added evidence. Its status moves through `change_status`
    only."""
    links = _checked(evidence)
    recommendation.save()
    if events is not None:
        recommendation.source_events.set(list(events))  # type: ignore[arg-type]
    _add_evidence(recommendation, links)
    record(actor, "update", recommendation, changed)


def _checked(evidence: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(label, check_link(link)) for label, link in evidence]


def _add_evidence(recommendation: Recommendation, links: list[tuple[str, str]]) -> None:
    for label, link in links:
        Evidence.objects.create(recommendation=recommendation, label=label, link=link)


@transaction.atomic
def change_status(
    actor: Actor, recommendation: Recommendation, status: str, note: str = ""
) -> StatusChange:
    """Move a recommendation to `status`, dated and signed in its history."""
    if status not in Status.values:
        raise CoordinationError(f"{status!r} is not a status", field="status")
    if status == recommendation.status:
        raise CoordinationError(
            f"{recommendation.reference} is already {recommendation.get_status_display()}.",
            field="status",
        )
    change = StatusChange.objects.create(
        recommendation=recommendation,
        old=recommendation.status,
        new=status,
        by=user_of(actor),
        note=note,
    )
    recommendation.status = status
    recommendation.save(update_fields=["status", "updated"])
    record(actor, "status", recommendation, ["status"], note=f"{change.old} → {status}")
    return change
