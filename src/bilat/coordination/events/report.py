"""The outcome report of one event: what it was, who took part (counts by side, sector,
country and organisation type, never names), its programme, its outcome and the
recommendations that came out of it. HTML and A4 PDF with the reports' machinery."""

from __future__ import annotations

from collections.abc import Callable

from bilat import charts
from bilat.coordination.events.models import Event
from bilat.coordination.events.statistics import DIMENSIONS, EventStatistics, event_statistics
from bilat.coordination.reporting import add, count, document, recommendations, table
from bilat.coordination.stakeholders.models import Purpose
from bilat.reports.document import Chapter, Document, Numbering, Paragraph, Progress

# Chapters that apps above this one add to the report (the feedback survey, the outcomes in
# the data), registered in their AppConfig.ready: each is given the event and the report's
# numbering, and returns its chapter, or None when it has nothing to say.
MORE_CHAPTERS: list[Callable[[Event, Numbering], Chapter | None]] = []


def build(event: Event, *, progress: Progress | None = None) -> Document:
    """The outcome report of `event`."""
    numbering = Numbering(progress)
    stats = event_statistics(event)
    # Its times in its own zone and in UTC, as its page says them (or its dates, all day).
    when = event.when
    dates = f"{when.local}; {when.utc}" if when.utc else when.local
    where = (
        "Online"
        if event.place == "online"
        else ", ".join(
            part for part in (event.venue, event.city, event.get_place_display()) if part
        )
    )
    return document(
        "event-outcome",
        event.title,
        f"Outcome report: {event.get_kind_display().lower()}, {when.brief}",
        [
            _summary(event, stats, where),
            _participation(numbering, stats),
            *(c for more in MORE_CHAPTERS if (c := more(event, numbering)) is not None),
            _programme(numbering, event),
            _outcome(numbering, event),
        ],
        facts=[("Dates", dates), ("Place", where)],
        credit="registrations, attendance, agenda and recommendations. No participant is "
        "named; speakers are named only if they agreed to it.",
    )


def _summary(event: Event, stats: EventStatistics, where: str) -> Chapter:
    chapter = Chapter("summary", "Summary")
    sides = {row.label: row.attended for row in stats.breakdowns["side"]}
    countries = sum(1 for row in stats.breakdowns["country"] if row.attended)
    chapter.blocks.append(
        Paragraph(
            f"{event.title} ({event.get_kind_display().lower()}, {where}) had "
            f"{count(stats.registered, 'registration')} and "
            f"{count(stats.attended, 'participant')}: {sides.get('EU side', 0):,} from the EU "
            f"side and {sides.get('US side', 0):,} from the US side, from "
            f"{count(countries, 'country', 'countries')}."
            + (
                f" {count(stats.waiting, 'person', 'people')} stayed on the waiting list."
                if stats.waiting
                else ""
            ),
            kind="finding",
        )
    )
    if event.summary:
        chapter.blocks.append(Paragraph(event.summary))
    return chapter


def _participation(numbering: Numbering, stats: EventStatistics) -> Chapter:
    chapter = Chapter("participation", "Who took part")
    # The waiting list has its column when the summary speaks of it: every figure of the
    # summary is a total of these tables.
    counts = ["registered", "waiting", "attended"] if stats.waiting else ["registered", "attended"]
    for key, (title, _) in DIMENSIONS.items():
        rows = [
            {
                key: row.label,
                "registered": row.registered,
                "waiting": row.waiting,
                "attended": row.attended,
            }
            for row in stats.breakdowns[key]
        ]
        data = table([key, *counts], rows)
        if key == "sector" and data.num_rows:
            spec = charts.bars(
                data,
                category=key,
                value="attended",
                category_title=title,
                value_title="Participants",
            )
            chapter.blocks.append(numbering.figure("Participants by sector", spec))
        add(
            chapter,
            numbering,
            f"Registrations and attendance by {title.lower()}",
            data,
            {key: title},
        )
    return chapter


def _programme(numbering: Numbering, event: Event) -> Chapter:
    chapter = Chapter("programme", "Programme")
    rows = []
    for session in event.sessions.prefetch_related(
        "speakers__organisation", "speakers__consent_set"
    ):
        named = [p for p in session.speakers.all() if Purpose.SPEAKER in p.consents()]
        rows.append(
            {
                "date": f"{session.day.isoformat()} {session.starts:%H:%M}",
                "session": session.title,
                "speakers": "; ".join(
                    f"{p} ({p.organisation})" if p.organisation else str(p) for p in named
                ),
            }
        )
    if rows:
        add(
            chapter,
            numbering,
            "Agenda",
            table(["date", "session", "speakers"], rows),
            {"session": "Session", "speakers": "Speakers"},
        )
    else:
        chapter.blocks.append(Paragraph("No agenda was recorded."))
    return chapter


def _outcome(numbering: Numbering, event: Event) -> Chapter:
    chapter = Chapter("outcome", "Outcome and recommendations")
    chapter.blocks.append(Paragraph(event.outcome or "No outcome summary was recorded."))
    documents = [d.title for d in event.documents.filter(public=True)]
    if documents:
        chapter.blocks.append(Paragraph("Documents: " + "; ".join(documents) + "."))
    found = event.recommendations.published().order_by("id")
    add(
        chapter,
        numbering,
        "Recommendations from the event",
        recommendations(found),
        {"title": "Recommendation"},
    )
    return chapter
