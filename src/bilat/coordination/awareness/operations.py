"""Verbs that change the awareness log; each writes the change log."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from bilat.coordination.audit.operations import Actor, record
from bilat.coordination.awareness.models import Activity, Reach
from bilat.coordination.events.models import Status
from bilat.errors import CoordinationError


@transaction.atomic
def reach_from_attendance(actor: Actor, activity: Activity) -> list[Reach]:
    """Set an event activity's reach to who attended it: people by side and sector, and the
    distinct organisations among them. Replaces the reach entered before."""
    if activity.event is None:
        raise CoordinationError(f"{activity.title} is not linked to an event.", field="event")
    came = activity.event.registrations.filter(status=Status.CONFIRMED, attended=True)
    people: defaultdict[tuple[str, str], int] = defaultdict(int)
    organisations: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
    for registration in came.select_related("person"):
        key = (registration.side, registration.sector)
        people[key] += 1
        person = registration.person
        if person is not None and person.organisation_id is not None:
            organisations[key].add(person.organisation_id)
    activity.reach.all().delete()
    rows = [
        Reach.objects.create(
            activity=activity,
            side=side,
            sector=sector,
            people=n,
            organisations=len(organisations[(side, sector)]),
        )
        for (side, sector), n in sorted(people.items())
    ]
    record(actor, "update", activity, ["reach"], note="reach from attendance")
    return rows
