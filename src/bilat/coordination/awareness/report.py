"""The awareness-raising and events activity report for a period, with the reports'
machinery (numbered tables and figures, HTML and A4 PDF).

It is written from the coordination data: the awareness log and its reach, the events held
and their attendance, and the recommendations made. It names no person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from bilat import charts
from bilat.coordination.awareness.models import Activity, Kind, Reach
from bilat.coordination.events.models import Event, Status
from bilat.coordination.recommendations.models import Recommendation, StatusChange
from bilat.coordination.reporting import add, count, document, recommendations, table
from bilat.coordination.vocabulary import Sector, Side
from bilat.errors import CoordinationError
from bilat.reports.document import Chapter, Document, Numbering, Paragraph, Progress

SIDES = dict(Side.choices)
SECTORS = dict(Sector.choices)
ACTIVITY = "awareness-raising activity"


def build(start: date, end: date, *, progress: Progress | None = None) -> Document:
    """The activity report from `start` to `end`, both included."""
    if end < start:
        raise CoordinationError(f"The period ends ({end}) before it starts ({start}).")
    numbering = Numbering(progress)
    activities = Activity.objects.filter(date__range=(start, end))
    reach = Reach.objects.filter(activity__in=activities)
    events = _counted(Event.objects.filter(starts__range=(start, end)).order_by("starts", "pk"))
    chapters = [
        _summary(activities, reach, events, start, end),
        _activities(numbering, activities),
        _reach(numbering, reach),
        _events(numbering, events),
        _recommendations(numbering, start, end),
        _method(),
    ]
    period = f"{start.isoformat()} to {end.isoformat()}"
    return document(
        "awareness",
        "Awareness raising and events: activity report",
        f"EU-US cooperation in research and innovation, {period}",
        chapters,
        facts=[("Period", period), ("Data", "bilat coordination records")],
        credit="the awareness log, event registrations and attendance, and the "
        "recommendations register. No person is named.",
    )


def _summary(
    activities: QuerySet[Activity],
    reach: QuerySet[Reach],
    events: list[Counted],
    start: date,
    end: date,
) -> Chapter:
    chapter = Chapter("summary", "Summary")
    totals = reach.aggregate(people=Sum("people"), organisations=Sum("organisations"))
    by_side = dict(reach.values_list("side").annotate(n=Sum("people")).order_by())
    today = date.today()
    held = [c for c in events if c.event.starts <= today]
    # Every event of the table counts, planned ones too, so the summary is its total.
    attended = sum(c.attended for c in events)
    planned = len(events) - len(held)
    later = f" ({planned} more are planned in the period)" if planned else ""
    chapter.blocks.append(
        Paragraph(
            f"From {start:%d %B %Y} to {end:%d %B %Y}, the coordination team logged "
            f"{count(activities.count(), ACTIVITY, ACTIVITY[:-1] + 'ies')}, "
            "which reached "
            f"{totals['people'] or 0:,} people ({by_side.get('EU', 0):,} on the EU side, "
            f"{by_side.get('US', 0):,} on the US side) and {totals['organisations'] or 0:,} "
            f"organisations. It held {count(len(held), 'event')}{later}, attended by "
            f"{count(attended, 'person', 'people')}.",
            kind="finding",
        )
    )
    return chapter


def _activities(numbering: Numbering, activities: QuerySet[Activity]) -> Chapter:
    chapter = Chapter("activities", "Activities")
    listed = activities.annotate(
        people=Sum("reach__people"), organisations=Sum("reach__organisations")
    ).order_by("date", "title")
    kinds = dict(Kind.choices)
    per_kind: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for a in listed:
        per_kind[a.kind] += 1
        people[a.kind] += a.people or 0
    summary = [
        {"kind": kinds[k], "activities": n, "people": people[k]} for k, n in per_kind.most_common()
    ]
    add(chapter, numbering, "Activities by kind", table(["kind", "activities", "people"], summary))
    rows = [
        {
            "date": a.date.isoformat(),
            "kind": kinds[a.kind],
            "title": a.title,
            "people": a.people or 0,
            "organisations": a.organisations or 0,
        }
        for a in listed
    ]
    add(
        chapter,
        numbering,
        "Every activity of the period",
        table(["date", "kind", "title", "people", "organisations"], rows),
    )
    return chapter


def _reach(numbering: Numbering, reach: QuerySet[Reach]) -> Chapter:
    chapter = Chapter("reach", "Reach by side and sector")
    grouped = (
        reach.values("side", "sector")
        .annotate(people=Sum("people"), organisations=Sum("organisations"))
        .order_by("side", "sector")
    )
    rows = [g | {"side": SIDES[g["side"]], "sector": SECTORS[g["sector"]]} for g in grouped]
    data = table(["side", "sector", "people", "organisations"], rows)
    if data.num_rows:
        spec = charts.bars(
            data,
            category="sector",
            value="people",
            category_title="Sector",
            value_title="People reached",
            colour="side",
        )
        chapter.blocks.append(numbering.figure("People reached by sector and side", spec))
    add(chapter, numbering, "Reach by side and sector", data)
    return chapter


@dataclass(frozen=True)
class Counted:
    """An event with its confirmed registrations and attendance (all, EU side, US side)."""

    event: Event
    registered: int
    attended: int
    eu: int
    us: int


def _counted(events: QuerySet[Event]) -> list[Counted]:
    """The events with their registrations and attendance counted in one query, for the
    summary and the events chapter both."""
    confirmed = Q(registrations__status=Status.CONFIRMED)
    came = confirmed & Q(registrations__attended=True)
    annotated = events.annotate(
        registered=Count("registrations", filter=confirmed),
        attended=Count("registrations", filter=came),
        eu=Count("registrations", filter=came & Q(registrations__side="EU")),
        us=Count("registrations", filter=came & Q(registrations__side="US")),
    )
    return [Counted(e, e.registered, e.attended, e.eu, e.us) for e in annotated]


def _events(numbering: Numbering, counted: list[Counted]) -> Chapter:
    chapter = Chapter("events", "Events held")
    rows = [
        {
            "date": c.event.starts.isoformat(),
            "event": c.event.title,
            "type": c.event.get_kind_display(),
            "place": c.event.city or c.event.get_place_display(),
            "registered": c.registered,
            "attended": c.attended,
            "eu_side": c.eu,
            "us_side": c.us,
        }
        for c in counted
    ]
    columns = ["date", "event", "type", "place", "registered", "attended", "eu_side", "us_side"]
    add(chapter, numbering, "Events, registrations and attendance", table(columns, rows))
    return chapter


def _recommendations(numbering: Numbering, start: date, end: date) -> Chapter:
    chapter = Chapter("recommendations", "Recommendations")
    made = Recommendation.objects.filter(created__date__range=(start, end)).order_by("id")
    moved = StatusChange.objects.filter(at__date__range=(start, end)).exclude(old="")
    chapter.blocks.append(
        Paragraph(
            f"{count(made.count(), 'recommendation')} written in the period; "
            f"{count(moved.count(), 'status change')} recorded."
        )
    )
    add(chapter, numbering, "Recommendations written in the period", recommendations(made))
    return chapter


def _method() -> Chapter:
    chapter = Chapter("method", "Method")
    for text in (
        "Activities and their reach are logged by the coordination team. The reach of an "
        "event is the number of people who attended, by the side of the Atlantic and the "
        "sector of their organisation, as marked on the attendance sheet; for other "
        "activities it is the audience the team recorded (subscribers, listeners, readers).",
        "Registrations keep the side, sector and country of the registrant, so that people "
        "who asked to be erased still count in the events they attended, without their names.",
        "Events are counted in the period when they start; recommendations when written.",
    ):
        chapter.blocks.append(Paragraph(text))
    return chapter
