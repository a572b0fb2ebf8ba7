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

register = template.Library()


@register.inclusion_tag("feedback/_results.html")
def survey_results(event: Event) -> dict[str, Any]:
    survey = Survey.objects.filter(event=event).first()
    if survey is None:
        return {"results": None}
    found = results(survey)
    return {"results": found, "tables": tables(found), "withheld": WITHHELD, "waiting": WAITING}
