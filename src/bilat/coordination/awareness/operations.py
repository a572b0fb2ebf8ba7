"""Verbs that change the awareness log; each writes the change log.

An event's reach is who attended it, and it follows attendance by itself: the events' own
attendance verbs (the desk, the attendance sheet, an import, the admin) call
`follow_attendance` in the same transaction (registered in `AwarenessConfig.ready`), so the
log, the activity report and the event's statistics never disagree and no one has to press
a button per row. Marking someone absent again takes them out of the reach.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from bilat.coordination.audit.operations import Actor, record
from bilat.coordination.awareness.models import Activity, Kind, Reach
from bilat.coordination.events.models import Event, Status

Counts = dict[tuple[str, str], tuple[int, int]]


def attendance_reach(event: Event) -> Counts:
    """(side, sector) → (people, distinct organisations) of those marked present at `event`."""
    came = event.registrations.filter(status=Status.CONFIRMED, attended=True)
    people: defaultdict[tuple[str, str], int] = defaultdict(int)
    organisations: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
    for side, sector, organisation in came.values_list("side", "sector", "person__organisation_id"):
        people[(side, sector)] += 1
        if organisation is not None:
            organisations[(side, sector)].add(organisation)
    return {key: (n, len(organisations[key])) for key, n in sorted(people.items())}


@transaction.atomic
def set_reach(actor: Actor, activity: Activity, counts: Counts) -> bool:
    """Make the activity's reach rows exactly `counts`; True when anything changed (nothing
    is written, nor logged, when the reach is already right: calling it twice is harmless)."""
    before = {(r.side, r.sector): (r.people, r.organisations) for r in activity.reach.all()}
    if before == counts:
        return False
    activity.reach.all().delete()
    Reach.objects.bulk_create(
        Reach(activity=activity, side=side, sector=sector, people=n, organisations=orgs)
        for (side, sector), (n, orgs) in counts.items()
    )
    record(actor, "update", activity, ["reach"], note="reach follows attendance")
    return True


@transaction.atomic
def follow_attendance(actor: Actor, event: Event) -> list[Activity]:
    """Bring the reach of every activity linked to `event` in line with its attendance; the
    first time someone is marked present, log the event as an activity of its own."""
    counts = attendance_reach(event)
    activities = list(Activity.objects.select_for_update().filter(event=event))
    if not activities and counts:
        activity = Activity.objects.create(
            kind=Kind.EVENT, title=event.title, date=event.starts, event=event
        )
        record(actor, "create", activity, note="the event's first attendance")
        activities = [activity]
    for activity in activities:
        set_reach(actor, activity, counts)
    return activities
