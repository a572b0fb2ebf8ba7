"""Who came to an event, and what a series of workshops added up to.

Counts are read from the registrations' own copies of side, sector, country and organisation
type, so an erased person still counts in the events they took part in. No names come out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from bilat.coordination import countries
from bilat.coordination.events.models import WORKSHOPS, Event, Registration, Status
from bilat.coordination.events.questions import Summary, summaries
from bilat.coordination.vocabulary import Sector, Side
from bilat.cordis.roles import ACTIVITY_TYPES

DIMENSIONS = {
    "side": ("Side", dict(Side.choices)),
    "sector": ("Sector", dict(Sector.choices)),
    "country": ("Country", None),
    "organisation_type": ("Organisation type", ACTIVITY_TYPES),
}


@dataclass(frozen=True)
class Row:
    label: str
    registered: int
    waiting: int
    attended: int


@dataclass
class EventStatistics:
    registered: int
    waiting: int
    cancelled: int
    attended: int
    breakdowns: dict[str, list[Row]] = field(default_factory=dict)
    answers: list[Summary] = field(default_factory=list)

    @property
    def titled(self) -> list[tuple[str, list[Row]]]:
        """The breakdowns with their titles, in the order of DIMENSIONS."""
        return [(DIMENSIONS[key][0], rows) for key, rows in self.breakdowns.items()]


def _label(dimension: str, value: str) -> str:
    labels = DIMENSIONS[dimension][1]
    if labels is None:
        return countries.names().get(value, value or "Not given")
    return labels.get(value, value or "Not given")


def event_statistics(event: Event) -> EventStatistics:
    """Registrations, waiting list and attendance, in total and by each dimension."""
    registrations = event.registrations.all()
    totals = registrations.aggregate(
        registered=Count("id", filter=Q(status=Status.CONFIRMED)),
        waiting=Count("id", filter=Q(status=Status.WAITING)),
        cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
        attended=Count("id", filter=Q(status=Status.CONFIRMED, attended=True)),
    )
    stats = EventStatistics(**totals)
    for dimension in DIMENSIONS:
        grouped = (
            registrations.values(dimension)
            .annotate(
                registered=Count("id", filter=Q(status=Status.CONFIRMED)),
                waiting=Count("id", filter=Q(status=Status.WAITING)),
                attended=Count("id", filter=Q(status=Status.CONFIRMED, attended=True)),
            )
            .order_by(dimension)
        )
        rows = [
            Row(_label(dimension, g[dimension]), g["registered"], g["waiting"], g["attended"])
            for g in grouped
            if g["registered"] or g["waiting"]
        ]
        stats.breakdowns[dimension] = sorted(rows, key=lambda r: (-r.registered, r.label))
    stats.answers = summaries(event.pk, stats.registered + stats.waiting)
    return stats


@dataclass(frozen=True)
class SeriesEvent:
    event: Event
    registered: int
    attended: int


@dataclass
class Series:
    events: list[SeriesEvent]
    registered: int
    attended: int
    participants: int
    repeat_participants: int
    themes: list[tuple[str, int]]


def workshop_series() -> Series:
    """Every workshop with its counts; distinct and repeat participants across them (people
    who attended two or more, counted while they are in the directory); themes covered."""
    found: QuerySet[Event] = Event.objects.filter(kind__in=WORKSHOPS)
    workshops = (
        found.annotate(
            n_registered=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
            n_attended=Count(
                "registrations",
                filter=Q(registrations__status=Status.CONFIRMED, registrations__attended=True),
            ),
        )
        .prefetch_related("themes")
        .order_by("starts", "pk")
    )
    rows = [SeriesEvent(e, e.n_registered, e.n_attended) for e in workshops]
    # By the workshops' ids, which the registrations' event index finds directly.
    came = Registration.objects.filter(
        event_id__in=[row.event.pk for row in rows],
        status=Status.CONFIRMED,
        attended=True,
        person__isnull=False,
    ).values_list("person_id", flat=True)
    per_person = Counter(came)
    themes: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        for theme in row.event.themes.all():
            themes[theme.name] += 1
    return Series(
        events=rows,
        registered=sum(r.registered for r in rows),
        attended=sum(r.attended for r in rows),
        participants=len(per_person),
        repeat_participants=sum(1 for n in per_person.values() if n >= 2),
        themes=sorted(themes.items(), key=lambda item: (-item[1], item[0])),
    )
