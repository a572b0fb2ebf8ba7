"""The series report of the outcomes in the data, for editors (HTML or PDF)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from bilat.coordination.filtering import known
from bilat.coordination.outcomes.report import series
from bilat.coordination.reporting import write_report
from bilat.coordination.roles import editor_required
from bilat.downloads import report_file


@editor_required
def series_report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report reads no parameter: one it was given is refused, not ignored."""
    known(request)
    return report_file(write_report(series(), fmt), fmt, "series-outcome")
