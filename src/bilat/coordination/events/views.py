"""Event pages: the public programme, event pages, registration and calendar feeds; a
participant's cancellation; the editors' event management (registrations, attendance,
statistics), the import of people (who may be registered for an event) and the workshop
series.

Public pages show no registrant; speakers are named only when they agreed to it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from bilat import uploads
from bilat.coordination import limits
from bilat.coordination.events import cancelling, imports, registrations, requests, statistics
from bilat.coordination.events import report as event_report
from bilat.coordination.events.calendar import calendar
from bilat.coordination.events.forms import (
    AttendanceForm,
    EventFilter,
    ImportForm,
    RegistrationForm,
)
from bilat.coordination.events.joining import online_link
from bilat.coordination.events.listing import listed
from bilat.coordination.events.models import Document, Event, Registration, Status
from bilat.coordination.events.operations import (
    cancel,
    closed_because,
    mark_attendance,
    places_left,
    register_person,
)
from bilat.coordination.events.requests import request_registration
from bilat.coordination.filtering import Paged, filtered, known, paged
from bilat.coordination.reporting import write_report
from bilat.coordination.roles import editor_required, is_editor
from bilat.coordination.stakeholders.forms import AddPersonForm, PersonForm
from bilat.coordination.stakeholders.models import Purpose, person_of
from bilat.coordination.stakeholders.operations import normal_email
from bilat.downloads import attachment, download, report_file
from bilat.errors import CoordinationError


@require_GET
def events(request: HttpRequest) -> HttpResponse:
    """Upcoming and past events, filtered by type, place and theme, each list a page of 50 at a
    time with its own pager (`?page=` coming up, `?past=` past events)."""
    form = EventFilter(request.GET or None)
    known(request, form.fields, "page", "past")
    found = filtered(Event.objects.published(), form, {"theme": "themes"})
    chosen = {name: request.GET[name] for name in form.fields if request.GET.get(name)}
    context = {
        "form": form,
        "feed_query": urlencode(chosen),
        "lists": [
            ("coming-up", "Coming up", "No event announced yet.",
             paged(request, found.not_ended().order_by("starts", "pk"), rows=listed)),
            ("past-events", "Past events", "None.",
             paged(request, found.ended(), parameter="past", rows=listed)),
        ],
    }  # fmt: skip
    return render(request, "events/events.html", context)


def _event(request: HttpRequest, slug: str) -> Event:
    """The event of this address: a published one, or any for an editor."""
    events = Event.objects.all() if is_editor(request.user) else Event.objects.published()
    return get_object_or_404(events, slug=slug)


@require_GET
def event(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page of an event: what, when, where, agenda, documents, outcome."""
    known(request)
    found = _event(request, slug)
    sessions = found.sessions.prefetch_related("speakers__organisation", "speakers__consent_set")
    agenda = [
        (session, [p for p in session.speakers.all() if Purpose.SPEAKER in p.consents()])
        for session in sessions
    ]
    context = {
        "event": found,
        "agenda": agenda,
        "documents": found.documents.filter(public=True),
        "places_left": places_left(found),
        "recommendations": found.recommendations.published(),
        "editor": is_editor(request.user),
        "online_link": online_link(request.user, found),
    }
    return render(request, "events/event.html", context)


def register_form(request: HttpRequest, slug: str) -> HttpResponse:
    """Register for an event. A signed-in participant registers their own address at once
    (their details filled in); any other address gets an e-mail whose link confirms it, and
    the answer does not say whether the address is known."""
    known(request)
    found = _event(request, slug)
    closed = closed_because(found)
    if closed:
        return render(request, "events/register.html", {"event": found, "closed": closed})
    own = person_of(request.user)
    initial = PersonForm.initial_of(own) if own else {}
    form = RegistrationForm(request.POST or None, initial=initial, event=found)
    wait: int | None = None  # seconds, when a brake refused the registration
    if request.method == "POST" and form.is_valid():
        data, answers = form.data_of(), form.answers()
        try:
            limits.attempt(limits.REGISTRATION, data.email, limits.client_of(request))
            if own is not None and own.email == normal_email(data.email):
                registered = register_person(
                    request.user, found, data, source="own account", answers=answers
                )
                return _registered(request, registered)
            request_registration(found, data, answers)
        except CoordinationError as error:
            form.add_error(None, str(error))
            if isinstance(error, limits.TooManyAttempts):
                wait = error.seconds
        else:
            messages.info(
                request,
                f"A message is on its way to {normal_email(data.email)}: open its link within "
                f"{requests.LINK_HOURS} hours to confirm the registration.",
            )
            return redirect("event", slug=found.slug)
    context = {"event": found, "form": form, "places_left": places_left(found)}
    page = render(request, "events/register.html", context)
    return page if wait is None else limits.held(page, wait)


def _registered(request: HttpRequest, registration: Registration) -> HttpResponse:
    event = registration.event
    if registration.status == Status.WAITING:
        messages.warning(request, "The event is full: you are on its waiting list.")
    else:
        messages.success(request, f"You are registered for {event.title}.")
    return redirect("event", slug=event.slug)


def confirm_registration(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the e-mail the public form sent: the owner of the address sees what was
    asked and confirms it (a button, not the link itself: mail scanners open links)."""
    known(request)
    try:
        pending = requests.read_link(token)
    except CoordinationError as error:
        return render(request, "events/confirm.html", {"error": str(error)}, status=400)
    if request.method == "POST":
        try:
            return _registered(request, requests.confirm(pending))
        except CoordinationError as error:
            return render(request, "events/confirm.html", {"error": str(error)})
    given = pending.details.get("answers", {})
    answers = [
        (q.text, given[str(q.pk)]) for q in pending.event.questions.all() if str(q.pk) in given
    ]
    context = {
        "pending": pending,
        "details": pending.details,
        "answers": answers,
        "purposes": dict(Purpose.choices),
    }
    return render(request, "events/confirm.html", context)


def _ics(events: Iterable[Event], name: str) -> HttpResponse:
    response = HttpResponse(calendar(events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """Every published event, for calendar subscriptions; the event list's filters narrow it
    (`?kind=thematic_workshop` subscribes to the thematic workshops only)."""
    known(request, EventFilter.base_fields)
    published = Event.objects.published().order_by("starts", "pk")
    found = filtered(published, EventFilter(request.GET or None), {"theme": "themes"})
    return _ics(found, "bilat-events.ics")


@require_GET
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    known(request)
    found = _event(request, slug)
    return _ics([found], f"{found.slug}.ics")


@require_GET
def document(request: HttpRequest, pk: int) -> FileResponse:
    """An uploaded document, when its event is published and it is public (or to editors)."""
    known(request)
    documents = Document.objects.all() if is_editor(request.user) else Document.objects.public()
    found = get_object_or_404(documents, pk=pk)
    if not found.upload:
        raise Http404("No such document.")
    return uploads.serve(found.upload)


@editor_required
def upload(request: HttpRequest, name: str) -> FileResponse:
    """An uploaded file by its stored name, as the admin links to it: editors only."""
    found = get_object_or_404(Document, upload=name)
    return uploads.serve(found.upload)


@login_required
@require_POST
def me_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant cancels one of their own registrations (not cancelled already, of an
    event not over: the same check as the link of the e-mails)."""
    registration = get_object_or_404(Registration, pk=pk, person__user_id=request.user.pk)
    try:
        cancelling.check_cancellable(registration)
    except CoordinationError as error:
        messages.error(request, str(error))
        return redirect("me")
    cancel(request.user, registration)
    messages.success(request, f"Your registration for {registration.event.title} is cancelled.")
    return redirect("me")


def cancel_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The cancel link of a registration's e-mails: the registrant sees what it cancels and
    confirms it (a button, not the link itself: mail scanners open links)."""
    known(request)
    try:
        registration = cancelling.read_link(token)
    except CoordinationError as error:
        return render(request, "events/cancel.html", {"error": str(error)}, status=400)
    context: dict[str, object] = {"registration": registration}
    if request.method == "POST":
        try:
            cancelling.check_cancellable(registration)
            cancel(None, registration)
        except CoordinationError as error:
            context["error"] = str(error)
        else:
            context["done"] = True
    return render(request, "events/cancel.html", context)


@editor_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """An event's registrations, attendance sheet (50 a page: saving a page marks the people
    it shows) and statistics; add a registrant."""
    known(request, "page")
    found = get_object_or_404(Event, slug=slug)
    confirmed = found.registrations.filter(status=Status.CONFIRMED).select_related(
        "person__organisation"
    )
    sheet: Paged[Registration] = paged(request, confirmed.order_by("created", "pk"))
    attendance = AttendanceForm(
        request.POST if "attendance" in request.POST else None, registrations=list(sheet.rows)
    )
    if attendance.is_bound and attendance.is_valid():
        changed = mark_attendance(request.user, found, attendance.attended())
        messages.success(request, f"Attendance saved ({changed} changed).")
        return redirect(request.get_full_path())
    adding = AddPersonForm(
        request.POST if "add" in request.POST else None, require_registration=True
    )
    if adding.is_bound and adding.is_valid():
        try:
            added = register_person(
                request.user, found, adding.data_of(), source="editor", after_end=True
            )
        except CoordinationError as error:
            adding.add_error(None, str(error))
        else:
            messages.success(request, f"{added.person} is {added.get_status_display().lower()}.")
            return redirect("manage-event", slug=slug)
    pending, n_pending = requests.awaiting(found)
    context = {
        "event": found,
        "attendance": attendance,
        "sheet": sheet,
        "adding": adding,
        "others": found.registrations.exclude(status=Status.CONFIRMED).select_related("person"),
        "pending": pending,
        "n_pending": n_pending,
        "link_hours": requests.LINK_HOURS,
        "stats": statistics.event_statistics(found),
        "places_left": places_left(found),
    }
    return render(request, "events/manage.html", context)


@editor_required
def registrations_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The registration list of an event, for the badges and the sign-in sheet."""
    known(request)
    found = get_object_or_404(Event, slug=slug)
    return download(registrations.table(found), "csv", f"{slug}-registrations")


@editor_required
def outcome_report(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The event's outcome report, as HTML or PDF."""
    known(request)
    document = event_report.build(get_object_or_404(Event, slug=slug))
    return report_file(write_report(document, fmt), fmt, f"{slug}-outcome")


@editor_required
def series(request: HttpRequest) -> HttpResponse:
    """Every thematic and funding-opportunity workshop (50 a page), and what they add up to."""
    known(request, "page")
    found = statistics.workshop_series()
    context = {"series": found, "pager": paged(request, found.events)}
    return render(request, "events/series.html", context)


SESSION_KEY = "bilat-import"


@editor_required
def import_people(request: HttpRequest) -> HttpResponse:
    """Upload a CSV, see what it would do, then confirm (or not)."""
    known(request)
    events = Event.objects.order_by("-starts", "pk")
    if request.method == "POST" and "confirm" in request.POST:
        return _apply_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            preview = imports.read(upload.name, content)
        except CoordinationError as error:
            form.add_error("file", str(error))
        else:
            request.session[SESSION_KEY] = {
                "name": upload.name,
                "content": base64.b64encode(content).decode("ascii"),
            }
    context = {"form": form, "preview": preview, "events": events}
    return render(request, "events/import.html", context)


def _apply_import(request: HttpRequest) -> HttpResponse:
    stored = request.session.pop(SESSION_KEY, None)
    if stored is None:
        messages.error(request, "Nothing to import: upload the file again.")
        return redirect("import-people")
    preview = imports.read(stored["name"], base64.b64decode(stored["content"]))
    slug = request.POST.get("event") or ""
    event = get_object_or_404(Event, slug=slug) if slug else None
    try:
        done = imports.apply(request.user, preview, event=event)
    except CoordinationError as error:
        messages.error(request, f"Nothing was imported: {error}")
        return redirect("import-people")
    summary = ", ".join(f"{n} {what}" for what, n in sorted(done.items())) or "nothing to do"
    messages.success(request, f"Imported {stored['name']}: {summary}.")
    return redirect("people")


def template_csv(request: HttpRequest) -> HttpResponse:
    """The import template, with one example row (not a real person)."""
    known(request)
    header = ",".join(imports.TEMPLATE_COLUMNS)
    example = (
        "Ada,Example,ada@example.org,Example University,DE,university,Professor,"
        "computer and information sciences,registration;directory,"
    )
    return attachment(f"{header}\n{example}\n".encode(), "csv", "bilat-people-template")
