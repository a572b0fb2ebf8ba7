"""The registration desk: find a participant by name or badge code and mark them present at
once (through the events' own attendance verb, which writes the change log)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bilat.coordination.audit.operations import Actor
from bilat.coordination.events.models import Event, Registration, Status
from bilat.coordination.events.operations import mark_attendance

FOUND_AT_MOST = 20


def search(event: Event, text: str) -> list[Registration]:
    """Confirmed registrations of `event` whose person's name or organisation holds every
    word of `text` (case does not matter), at most `FOUND_AT_MOST`."""
    words = text.split()
    if not words:
        return []
    found: QuerySet[Registration] = event.registrations.filter(
        status=Status.CONFIRMED, person__isnull=False
    )
    for word in words[:5]:
        found = found.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__organisation__name__icontains=word)
        )
    ordered = found.select_related("person__organisation").order_by(
        "person__last_name", "person__first_name", "pk"
    )
    return list(ordered[:FOUND_AT_MOST])


def check_in(actor: Actor, registration: Registration) -> bool:
    """Mark the participant present; False when they were checked in already."""
    changed = mark_attendance(actor, registration.event, {registration.pk: True})
    return changed > 0
