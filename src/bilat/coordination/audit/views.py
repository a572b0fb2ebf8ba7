"""The change log, for editors: who changed what, when (never the values)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bilat.coordination.audit.models import Change
from bilat.coordination.filtering import known, paged
from bilat.coordination.roles import editor_required
from bilat.errors import ParameterError


@editor_required
def changes(request: HttpRequest) -> HttpResponse:
    """The change log, newest first, 50 a page; `?model=` keeps one kind of record."""
    known(request, "model", "page")
    found = Change.objects.select_related("user")
    models = list(Change.objects.values_list("model", flat=True).distinct().order_by("model"))
    model = request.GET.get("model", "")
    if model:
        if model not in models:
            raise ParameterError(
                "model",
                f"{model!r} is no kind of record in the log; use {', '.join(models) or 'none yet'}",
            )
        found = found.filter(model=model)
    context = {"pager": paged(request, found), "models": models, "model": model}
    return render(request, "audit/changes.html", context)
