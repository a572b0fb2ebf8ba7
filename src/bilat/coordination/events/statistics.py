"""Who came to an event, and what a series of workshops added up to.

Counts are read from the registrations' own copies of side, sector, country and organisation
type, so an erased person still counts in the events they took part in. No names come out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

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
    """Registrations, waiting list and attendance, in total and by each dimension.

    One query counts the registrations of each combination of the four dimensions, status
    and attendance (at most one row a registration); the totals and the four tables are
    added up from it here. Five grouped queries, one a table, cost more in building and
    sending SQL than the counting itself on the event's page."""
    grouped = (
        event.registrations.order_by()
        .values_list(*DIMENSIONS, "status", "attended")
        .annotate(n=Count("id"))
    )
    totals: Counter[str] = Counter()
    counts: dict[str, defaultdict[str, list[int]]] = {
        dimension: defaultdict(lambda: [0, 0, 0]) for dimension in DIMENSIONS
    }
    for *values, status, attended, n in grouped:
        came = status == Status.CONFIRMED and bool(attended)
        totals[status] += n
        totals["attended"] += n if came else 0
        if status not in (Status.CONFIRMED, Status.WAITING):
            continue
        for dimension, value in zip(DIMENSIONS, values, strict=True):
            row = counts[dimension][value]
            row[0 if status == Status.CONFIRMED else 1] += n
            row[2] += n if came else 0
    stats = EventStatistics(
        registered=totals[Status.CONFIRMED],
        waiting=totals[Status.WAITING],
        cancelled=totals[Status.CANCELLED],
        attended=totals["attended"],
    )
    for dimension, by_value in counts.items():
        rows = [Row(_label(dimension, value), *row) for value, row in sorted(by_value.items())]
        stats.breakdowns[dimension] = sorted(rows, key=lambda r: (-r.registered, r.label))
    stats.answers = summaries(event.pk, stats.registered + stats.waiting)
    return stats


@dataclass(frozen=True)
class SeriesEvent:
    """One workshop's row; `attended` is None until it has ended (who came is not known
    before, and a zero would say nobody did)."""

    event: Event
    registered: int
    attended: int | None
    themes: tuple[str, ...] = ()

    @property
    def date(self) -> str:
        """The day it starts, as the table writes it (Django's date filter cost a tenth of a
        millisecond a row, the table's largest part)."""
        return self.event.starts.isoformat()

    @property
    def kind(self) -> str:
        return str(self.event.get_kind_display())


@dataclass
class Series:
    events: list[SeriesEvent]
    registered: int
    attended: int  # of the workshops that have ended
    participants: int
    repeat_participants: int
    themes: list[tuple[str, int]]


def workshop_series() -> Series:
    """Every workshop with its counts; distinct and repeat participants across them (people
    who attended two or more, counted while they are in the directory); themes covered.

    Asked by the workshops' ids, grouped by event, without the registrations' default order
    (which joined every registration to its event): the registrations' (event, status,
    attended, person) index answers all three questions without reading the table."""
    workshops = list(Event.objects.filter(kind__in=WORKSHOPS).order_by("starts", "pk"))
    ids = [e.pk for e in workshops]
    confirmed = Registration.objects.filter(event_id__in=ids, status=Status.CONFIRMED).order_by()
    counted = {
        row["event_id"]: row
        for row in confirmed.values("event_id").annotate(
            registered=Count("pk"), attended=Count("pk", filter=Q(attended=True))
        )
    }
    # Counted in the database, in one query: a large series has tens of thousands of
    # attendances, which took longer to fetch and count in Python.
    came = confirmed.filter(attended=True, person__isnull=False)
    people = (
        came.values("person_id")
        .annotate(n=Count("pk"))
        .aggregate(participants=Count("person_id"), repeat=Count("person_id", filter=Q(n__gte=2)))
    )
    named: defaultdict[int, list[str]] = defaultdict(list)
    through = Event.themes.through.objects.filter(event_id__in=ids).order_by("theme__name")
    for event_id, name in through.values_list("event_id", "theme__name"):
        named[event_id].append(name)
    rows = [
        SeriesEvent(
            e,
            counted[e.pk]["registered"] if e.pk in counted else 0,
            (counted[e.pk]["attended"] if e.pk in counted else 0) if e.has_ended else None,
            tuple(named[e.pk]),
        )
        for e in workshops
    ]
    themes = Counter(name for row in rows for name in row.themes)
    return Series(
        events=rows,
        registered=sum(r.registered for r in rows),
        attended=sum(r.attended for r in rows if r.attended is not None),
        participants=people["participants"],
        repeat_participants=people["repeat"],
        themes=sorted(themes.items(), key=lambda item: (-item[1], item[0])),
    )
