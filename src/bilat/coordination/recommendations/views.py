"""The public recommendations register (filterable, exportable) and the editors' pages to
write recommendations and move them along."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from bilat.coordination.events.models import Event
from bilat.coordination.filtering import filtered, known, paged
from bilat.coordination.recommendations.forms import (
    RecommendationForm,
    RegisterFilter,
    StatusForm,
)
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.recommendations.operations import (
    change_status,
    create_recommendation,
    update_recommendation,
)
from bilat.coordination.recommendations.register import listed
from bilat.coordination.recommendations.register import table as register_table
from bilat.coordination.roles import editor_required, is_editor
from bilat.downloads import download
from bilat.errors import CoordinationError


def _filtered(request: HttpRequest, *also: str) -> tuple[RegisterFilter, QuerySet[Recommendation]]:
    """The register's filter and what it keeps; `also`: the other parameters the page reads."""
    form = RegisterFilter(request.GET or None)
    known(request, form.fields, *also)
    found = filtered(Recommendation.objects.public(), form, {"event": "source_events"})
    return form, found


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """Every published recommendation, with its status, barrier, addressee and owner, 50 a
    page (the downloads hold them all)."""
    form, found = _filtered(request, "page")
    pager = paged(request, found, rows=listed)
    context = {"form": form, "pager": pager, "query": pager.others}
    return render(request, "recommendations/register.html", context)


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The register as filtered, in CSV, JSON, XLSX or Parquet."""
    _, found = _filtered(request)
    return download(register_table(found), fmt, "recommendations")


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One recommendation with its dated history; editors can move its status here."""
    known(request)
    found = get_object_or_404(Recommendation, pk=pk)
    editor = is_editor(request.user)
    if not found.published and not editor:
        raise Http404("No such recommendation.")
    form = StatusForm(request.POST or None, initial={"status": found.status})
    if request.method == "POST":
        if not editor:
            raise Http404("No such page.")
        if form.is_valid():
            try:
                change_status(
                    request.user, found, form.cleaned_data["status"], form.cleaned_data["note"]
                )
            except CoordinationError as error:
                form.add_error("status", str(error))
            else:
                messages.success(request, f"{found.reference} is now {found.get_status_display()}.")
                return redirect("recommendation", pk=pk)
    context = {
        "r": found,
        "history": found.history.select_related("by"),
        "evidence": found.evidence.all(),
        "events": found.source_events.published(),
        "editor": editor,
        "form": form,
    }
    return render(request, "recommendations/detail.html", context)


@editor_required
def new(request: HttpRequest) -> HttpResponse:
    """Write a recommendation; `?event=slug` starts it from that event."""
    known(request, "event")
    source = Event.objects.filter(slug=request.GET.get("event", "")).first()
    initial = {"source_events": [source.pk]} if source else {}
    form = RecommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = create_recommendation(
            request.user,
            form.save(commit=False),
            events=form.cleaned_data["source_events"],
            evidence=form.evidence(),
        )
        messages.success(request, f"{created.reference} is in the register.")
        return redirect("recommendation", pk=created.pk)
    return render(request, "recommendations/edit.html", {"form": form, "source": source})


@editor_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    known(request)
    found = get_object_or_404(Recommendation, pk=pk)
    form = RecommendationForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        update_recommendation(
            request.user,
            form.save(commit=False),
            form.changed_data,
            events=form.cleaned_data["source_events"],
            evidence=form.evidence(),
        )
        messages.success(request, f"{found.reference} is saved.")
        return redirect("recommendation", pk=pk)
    return render(request, "recommendations/edit.html", {"form": form, "r": found})
