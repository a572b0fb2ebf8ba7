"""The editors' desk at an event: check-in by name or badge code, badges and certificates.

Check-in answers at once: a code typed, pasted or scanned (a scanner types the code and
Enter) is read and the person marked present in the same request; a name search lists
people to check in with one button each.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from bilat.coordination.desk import checkin, codes, printed
from bilat.coordination.events.models import Event, Registration, Status
from bilat.coordination.filtering import known
from bilat.coordination.roles import editor_required
from bilat.coordination.stakeholders.models import person_of
from bilat.downloads import attachment
from bilat.errors import CoordinationError, ParameterError


def _checked_in(request: HttpRequest, registration: Registration) -> None:
    fresh = checkin.check_in(request.user, registration)
    who = registration.person or "Erased person"
    if fresh:
        messages.success(request, f"{who} is checked in.")
    else:
        messages.info(request, f"{who} was checked in already.")


@editor_required
def check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Search a name, or give a badge code; checking in is one POST, and so is a search
    (the name searched for is kept in the session, never in the URL)."""
    event = get_object_or_404(Event, slug=slug)
    known(request)
    searched = f"bilat-desk-search-{event.pk}"
    if request.method == "POST" and "q" in request.POST:
        # The name typed waits in the session, not in the URL (which browsers' histories,
        # proxies and servers' logs keep), and the page is reloaded without resending.
        request.session[searched] = request.POST["q"].strip()[:100]
        return redirect("check-in", slug=slug)
    if request.method == "POST":
        try:
            if request.POST.get("registration"):
                registration = get_object_or_404(
                    event.registrations.filter(status=Status.CONFIRMED),
                    pk=_number(request.POST["registration"]),
                )
            else:
                registration = codes.read_code(request.POST.get("code", ""), event)
        except CoordinationError as error:
            messages.error(request, str(error))
        else:
            _checked_in(request, registration)
        return redirect("check-in", slug=slug)
    query = request.session.get(searched, "")
    counts = event.registrations.filter(status=Status.CONFIRMED)
    context = {
        "event": event,
        "query": query,
        "found": checkin.search(event, query),
        "present": counts.filter(attended=True).count(),
        "registered": counts.count(),
    }
    return render(request, "desk/check_in.html", context)


def _number(value: str) -> int:
    """A registration's number as given; a value that is none is the asker's mistake (400
    naming the parameter), not a registration that does not exist (404)."""
    if not (value.isascii() and value.isdigit()):  # "²" and fullwidth digits are digits to Python
        raise ParameterError("registration", f"{value!r} is not a registration's number")
    return int(value)


def _which(request: HttpRequest) -> int | None:
    """The registration `?registration=` names, or none when the parameter is absent (every
    one); given empty, it names none and is refused, rather than read as every one."""
    known(request, "registration")
    value = request.GET.get("registration")
    return None if value is None else _number(value)


@editor_required
def badges(request: HttpRequest, slug: str) -> HttpResponse:
    """Badges of every confirmed registration, or of one (`?registration=ID`)."""
    return _printed(request, slug, printed.badges, "badge")


@editor_required
def certificates(request: HttpRequest, slug: str) -> HttpResponse:
    """Certificates of attendance of everyone marked present, or of one."""
    return _printed(request, slug, printed.certificates, "certificate")


@login_required
def my_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's own certificate of attendance, from /me/: of their own registration
    only (another person's answers 404, as one that does not exist), once marked present."""
    known(request)
    person = person_of(request.user)
    registration = get_object_or_404(
        Registration.objects.select_related("event", "person__organisation"),
        pk=pk,
        person__isnull=False,
        person=person,
        status=Status.CONFIRMED,
        attended=True,
    )
    pdf = printed.certificates(registration.event, [registration])
    return attachment(pdf, "pdf", f"{registration.event.slug}-certificate")


def _printed(
    request: HttpRequest,
    slug: str,
    write: Callable[[Event, list[Registration]], bytes],
    what: str,
) -> HttpResponse:
    """The PDF `write` makes of the event's confirmed registrations (or the one asked for),
    or back to the event's page saying why there is none."""
    event = get_object_or_404(Event, slug=slug)
    which = _which(request)
    found = printed.confirmed(event, which)
    if which is not None and not found:
        raise Http404("No such confirmed registration at this event.")
    stem = f"{slug}-{what}-{which}" if which else f"{slug}-{what}s"
    try:
        return attachment(write(event, found), "pdf", stem)
    except CoordinationError as error:
        messages.error(request, str(error))
        return redirect("manage-event", slug=slug)
