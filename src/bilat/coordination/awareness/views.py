"""The editors' start page (the coordination work at a glance: events coming and past,
the directory and the register), the awareness log, and its activity report for a period.
The start page is here, at the top of the coordination apps, because it reads all of them."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bilat.coordination.awareness import report as activity_report
from bilat.coordination.awareness.forms import PeriodForm
from bilat.coordination.awareness.models import Activity
from bilat.coordination.events.models import Event
from bilat.coordination.filtering import known, paged
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.reporting import write_report
from bilat.coordination.roles import editor_required
from bilat.coordination.stakeholders.models import Person
from bilat.downloads import report_file
from bilat.errors import ParameterError


def _this_year() -> dict[str, date]:
    today = timezone.localdate()
    return {"start": date(today.year, 1, 1), "end": date(today.year, 12, 31)}


def _period(request: HttpRequest, *, bound: bool = False) -> PeriodForm:
    """The period asked for; this year by default (`bound`: as if it had been asked for)."""
    initial = _this_year()
    return PeriodForm(request.GET or (initial if bound else None), initial=initial)


@editor_required
def start(request: HttpRequest) -> HttpResponse:
    """The coordination team's start page."""
    known(request)
    context = {
        "upcoming": Event.objects.not_ended().order_by("starts", "pk"),
        "past": Event.objects.ended()[:10],
        "people": Person.objects.count(),
        "recommendations": Recommendation.objects.count(),
    }
    return render(request, "awareness/start.html", context)


@editor_required
def log(request: HttpRequest) -> HttpResponse:
    """Every activity with its reach, 50 a page; the report form for a period."""
    known(request, "page")
    # Newest first (a query that sums is not ordered by the model's Meta: say it here).
    activities = (
        Activity.objects.select_related("event")
        .annotate(people=Sum("reach__people"), organisations=Sum("reach__organisations"))
        .order_by("-date", "title", "pk")
    )
    # The period's boxes send the report its query; the log's own query is its page.
    context = {"pager": paged(request, activities), "period": PeriodForm(initial=_this_year())}
    return render(request, "awareness/log.html", context)


@editor_required
def report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The activity report of the period in the query string, as HTML or PDF. A parameter
    it does not read (`?from=`) is named as typed, not reported as a missing `start`."""
    known(request, PeriodForm.base_fields)
    form = _period(request, bound=True)
    if not form.is_valid():
        errors = "; ".join(
            f"{name}: {e}" if name != "__all__" else str(e)
            for name, errs in form.errors.items()
            for e in errs
        )
        raise ParameterError("period", f"The report needs a valid period: {errors}")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    document = activity_report.build(start, end)
    return report_file(write_report(document, fmt), fmt, f"awareness-{start}-{end}")
