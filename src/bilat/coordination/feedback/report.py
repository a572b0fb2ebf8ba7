"""The survey in the event's statistics and in its outcome report: how many answered, and
ratings and choices by side and sector (counts and means, never a free-text answer) once
the survey is closed."""

from __future__ import annotations

from bilat.coordination.events.models import Event
from bilat.coordination.feedback.models import Survey
from bilat.coordination.feedback.results import WAITING, WITHHELD, Results, results
from bilat.coordination.reporting import count
from bilat.reports.document import Chapter, Numbering, Paragraph, Table

HEADERS = {
    "question": "Question",
    "group": "Group",
    "answers": "Answers",
    "mean_rating": "Mean rating (1 to 5)",
    "option": "Answer",
    "eu_side": "EU side",
    "us_side": "US side",
    "other_side": "Other",
}


def tables(found: Results, numbering: Numbering | None = None) -> list[tuple[str, Table]]:
    """The results' tables, numbered by `numbering` (a report's) or on their own (a page)."""
    numbering = numbering or Numbering()
    wanted = [
        ("Ratings by side", found.ratings_by_side),
        ("Ratings by sector", found.ratings_by_sector),
        ("Answers to the questions of a list, by side", found.choices),
    ]
    return [
        (caption, numbering.table(caption, data, data.column_names, headers=HEADERS))
        for caption, data in wanted
        if data.num_rows
    ]


def summary(found: Results) -> str:
    if not found.invited:
        return "No feedback survey was sent."
    return (
        f"The feedback survey was sent to {count(found.invited, 'attendee')}; "
        f"{count(found.answered, 'answer')} came back"
        + (f" ({found.answered / found.invited:.0%})." if found.invited else ".")
    )


def chapter(event: Event, numbering: Numbering) -> Chapter | None:
    """The outcome report's chapter on the survey; None when the event had no survey."""
    survey = Survey.objects.filter(event=event).first()
    if survey is None:
        return None
    found = results(survey)
    section = Chapter("feedback", "Feedback from participants")
    section.blocks.append(Paragraph(summary(found), kind="finding"))
    if found.open:
        until = f" (until {found.closes:%d %B %Y} at the latest)" if found.closes else ""
        section.blocks.append(Paragraph(f"The survey is still open{until}. {WAITING}"))
        return section
    section.blocks.append(
        Paragraph(
            "Answers are anonymous: they are stored without the person, with the side and "
            f"sector of their registration only. {WITHHELD} Free-text answers are not "
            "reproduced here."
        )
    )
    section.blocks.extend(table for _, table in tables(found, numbering))
    return section
