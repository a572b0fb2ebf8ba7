"""The change log, for editors: who changed what, when (never the values)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bilat.coordination.audit.models import Change
from bilat.coordination.filtering import page_of
from bilat.coordination.roles import editor_required


@editor_required
def changes(request: HttpRequest) -> HttpResponse:
    found = Change.objects.select_related("user")
    model = request.GET.get("model", "")
    if model:
        found = found.filter(model=model)
    page, query = page_of(request, found)
    models = Change.objects.values_list("model", flat=True).distinct().order_by("model")
    context = {"page": page, "query": query, "models": models, "model": model}
    return render(request, "audit/changes.html", context)
