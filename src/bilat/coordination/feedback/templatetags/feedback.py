"""`{% survey_results event %}`: the survey's results by side and sector, on the survey page
and in the event's statistics (the events app's page shows them without importing this app,
which sits above it); while the survey is open, only how many answered."""

from __future__ import annotations

from typing import Any

from django import template

from bilat.coordination.events.models import Event
from bilat.coordination.feedback.models import Survey
from bilat.coordination.feedback.report import tables
from bilat.coordination.feedback.results import WAITING, WITHHELD, results
from bilat.reports.document import Table

register = template.Library()


@register.inclusion_tag("feedback/_results.html")
def survey_results(event: Event) -> dict[str, Any]:
    survey = Survey.objects.filter(event=event).first()
    if survey is None:
        return {"results": None}
    found = results(survey)
    shown = [(caption, *by_question(table)) for caption, table in tables(found)]
    return {"results": found, "tables": shown, "withheld": WITHHELD, "waiting": WAITING}


Cell = tuple[str, bool]


def by_question(table: Table) -> tuple[list[Cell], list[tuple[str, list[list[Cell]]]]]:
    """A results table as the page shows it: each question once, heading its own rows,
    rather than in a first column repeated on every row (at a phone's width that column
    pushed the figures, the mean rating among them, off the screen). The report's tables
    keep their columns: a page of print has the room."""
    if not table.headers or table.headers[0][0] != "Question":
        return table.headers, [("", table.rows)]
    groups: list[tuple[str, list[list[Cell]]]] = []
    for question, *cells in table.rows:
        if not groups or groups[-1][0] != question[0]:
            groups.append((question[0], []))
        groups[-1][1].append(cells)
    return table.headers[1:], groups
