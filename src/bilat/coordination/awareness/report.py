"""The awareness-raising and events activity report for a period, with the reports'
machinery (numbered tables and figures, HTML and A4 PDF).

It is written from the coordination data: the awareness log and its reach, the events held
and their attendance, and the recommendations made. It names no person.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pyarrow as pa
from django.db.models import Count, Q, QuerySet, Sum

from bilat import charts
from bilat.coordination.awareness.models import Activity, Kind, Reach
from bilat.coordination.events.models import Event, Status
from bilat.coordination.recommendations.models import Recommendation, StatusChange
from bilat.coordination.vocabulary import Sector, Side
from bilat.errors import CoordinationError
from bilat.reports.document import Chapter, Document, Numbering, Paragraph, Progress

SIDES = dict(Side.choices)
SECTORS = dict(Sector.choices)


def build(start: date, end: date, *, progress: Progress | None = None) -> Document:
    """The activity report from `start` to `end`, both included."""
    if end < start:
        raise CoordinationError(f"The period ends ({end}) before it starts ({start}).")
    numbering = Numbering(progress)
    activities = Activity.objects.filter(date__range=(start, end))
    reach = Reach.objects.filter(activity__in=activities)
    events = Event.objects.filter(starts__range=(start, end)).order_by("starts")
    chapters = [
        _summary(activities, reach, events, start, end),
        _activities(numbering, activities),
        _reach(numbering, reach),
        _events(numbering, events),
        _recommendations(numbering, start, end),
        _method(),
    ]
    period = f"{start.isoformat()} to {end.isoformat()}"
    return Document(
        name="awareness",
        title="Awareness raising and events: activity report",
        subtitle=f"EU-US cooperation in research and innovation, {period}",
        country="",
        programmes="",
        filters="",
        chapters=chapters,
        facts=[("Period", period), ("Data", "bilat coordination records")],
        credit="Written from the coordination team's own records in bilat: the awareness "
        "log, event registrations and attendance, and the recommendations register. No "
        "person is named.",
        table_source="Source: bilat coordination records.",
    )


def _summary(
    activities: QuerySet[Activity],
    reach: QuerySet[Reach],
    events: QuerySet[Event],
    start: date,
    end: date,
) -> Chapter:
    chapter = Chapter("summary", "Summary")
    totals = reach.aggregate(people=Sum("people"), organisations=Sum("organisations"))
    by_side = dict(reach.values_list("side").annotate(n=Sum("people")).order_by())
    today = date.today()
    held = [e for e in events if e.starts <= today]
    attended = sum(
        e.registrations.filter(status=Status.CONFIRMED, attended=True).count() for e in held
    )
    planned = len(events) - len(held)
    later = f" ({planned} more are planned in the period)" if planned else ""
    chapter.blocks.append(
        Paragraph(
            f"From {start:%d %B %Y} to {end:%d %B %Y}, the coordination team logged "
            f"{_count(activities.count(), 'awareness-raising activity', 'activities')}, "
            "which reached "
            f"{totals['people'] or 0:,} people ({by_side.get('EU', 0):,} on the EU side, "
            f"{by_side.get('US', 0):,} on the US side) and {totals['organisations'] or 0:,} "
            f"organisations. It held {_count(len(held), 'event')}{later}, attended by "
            f"{_count(attended, 'person', 'people')}.",
            kind="finding",
        )
    )
    return chapter


def _count(n: int, one: str, many: str | None = None) -> str:
    """`1 event`, `2 events`: a number with its noun in the right form."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


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
    summary = pa.Table.from_pylist(
        [
            {"kind": kinds[k], "activities": n, "people": people[k]}
            for k, n in per_kind.most_common()
        ],
        schema=pa.schema(
            [("kind", pa.string()), ("activities", pa.int64()), ("people", pa.int64())]
        ),
    )
    chapter.blocks.append(
        numbering.table(
            "Activities by kind", summary, summary.column_names, headers={"kind": "Kind"}
        )
    )
    rows = pa.Table.from_pylist(
        [
            {
                "date": a.date.isoformat(),
                "kind": kinds[a.kind],
                "title": a.title,
                "people": a.people or 0,
                "organisations": a.organisations or 0,
            }
            for a in listed
        ],
        schema=pa.schema(
            [
                ("date", pa.string()),
                ("kind", pa.string()),
                ("title", pa.string()),
                ("people", pa.int64()),
                ("organisations", pa.int64()),
            ]
        ),
    )
    chapter.blocks.append(
        numbering.table(
            "Every activity of the period",
            rows,
            rows.column_names,
            headers={"date": "Date", "kind": "Kind"},
        )
    )
    return chapter


def _reach(numbering: Numbering, reach: QuerySet[Reach]) -> Chapter:
    chapter = Chapter("reach", "Reach by side and sector")
    grouped = (
        reach.values("side", "sector")
        .annotate(people=Sum("people"), organisations=Sum("organisations"))
        .order_by("side", "sector")
    )
    table = pa.Table.from_pylist(
        [
            {
                "side": SIDES[g["side"]],
                "sector": SECTORS[g["sector"]],
                "people": g["people"],
                "organisations": g["organisations"],
            }
            for g in grouped
        ],
        schema=pa.schema(
            [
                ("side", pa.string()),
                ("sector", pa.string()),
                ("people", pa.int64()),
                ("organisations", pa.int64()),
            ]
        ),
    )
    if table.num_rows:
        spec = charts.bars(
            table,
            category="sector",
            value="people",
            category_title="Sector",
            value_title="People reached",
            colour="side",
        )
        chapter.blocks.append(numbering.figure("People reached by sector and side", spec))
    chapter.blocks.append(
        numbering.table(
            "Reach by side and sector",
            table,
            table.column_names,
            headers={"side": "Side", "sector": "Sector"},
        )
    )
    return chapter


def _events(numbering: Numbering, events: QuerySet[Event]) -> Chapter:
    chapter = Chapter("events", "Events held")
    counted = events.annotate(
        registered=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        attended=Count(
            "registrations",
            filter=Q(registrations__status=Status.CONFIRMED, registrations__attended=True),
        ),
        eu=Count("registrations", filter=Q(registrations__attended=True, registrations__side="EU")),
        us=Count("registrations", filter=Q(registrations__attended=True, registrations__side="US")),
    )
    table = pa.Table.from_pylist(
        [
            {
                "date": e.starts.isoformat(),
                "event": e.title,
                "type": e.get_kind_display(),
                "place": e.city or e.get_place_display(),
                "registered": e.registered,
                "attended": e.attended,
                "eu_side": e.eu,
                "us_side": e.us,
            }
            for e in counted
        ],
        schema=pa.schema(
            [
                ("date", pa.string()),
                ("event", pa.string()),
                ("type", pa.string()),
                ("place", pa.string()),
                ("registered", pa.int64()),
                ("attended", pa.int64()),
                ("eu_side", pa.int64()),
                ("us_side", pa.int64()),
            ]
        ),
    )
    chapter.blocks.append(
        numbering.table(
            "Events, registrations and attendance",
            table,
            table.column_names,
            headers={
                "date": "Date",
                "event": "Event",
                "type": "Type",
                "place": "Place",
                "eu_side": "Attended, EU side",
                "us_side": "Attended, US side",
            },
        )
    )
    return chapter


def _recommendations(numbering: Numbering, start: date, end: date) -> Chapter:
    chapter = Chapter("recommendations", "Recommendations")
    made = Recommendation.objects.filter(created__date__range=(start, end)).order_by("id")
    moved = StatusChange.objects.filter(at__date__range=(start, end)).exclude(old="")
    chapter.blocks.append(
        Paragraph(
            f"{made.count()} recommendations were written in the period, and {moved.count()} "
            "status changes were recorded."
        )
    )
    table = pa.Table.from_pylist(
        [
            {
                "reference": r.reference,
                "title": r.title,
                "barrier": r.get_barrier_display(),
                "addressee": r.get_addressee_display(),
                "status": r.get_status_display(),
            }
            for r in made
        ],
        schema=pa.schema(
            [(c, pa.string()) for c in ("reference", "title", "barrier", "addressee", "status")]
        ),
    )
    chapter.blocks.append(
        numbering.table(
            "Recommendations written in the period",
            table,
            table.column_names,
            headers={"reference": "Ref."},
        )
    )
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
