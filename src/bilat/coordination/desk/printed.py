"""Badges and certificates of attendance as PDF (WeasyPrint, as the reports), for one
participant or everyone at once.

A badge holds the name, organisation and side, the event, and a QR code of the signed badge
code (`codes`) drawn by segno as SVG; eight badges fill an A4 page, with cut lines. A
certificate of attendance is one A4 landscape page per participant who was marked present.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string

from bilat.coordination.desk.codes import code_of
from bilat.coordination.events.models import Event, Registration, Status
from bilat.errors import CoordinationError


@dataclass(frozen=True)
class Printed:
    """What one badge or certificate shows."""

    name: str
    organisation: str
    side: str
    qr: str  # a data: URI of the QR code's SVG (badges only)


def _dates(event: Event) -> str:
    """`3 June 2026`, or `30 November to 1 December 2026`."""
    last = f"{event.ends.day} {event.ends:%B %Y}"
    if event.ends == event.starts:
        return last
    return f"{event.starts.day} {event.starts:%B} to {last}"


def _where(event: Event) -> str:
    if event.place == "online":
        return "online"
    return ", ".join(p for p in (event.venue, event.city) if p)


def printed(registration: Registration, *, qr: bool) -> Printed:
    person = registration.person
    assert person is not None  # callers keep erased people out
    organisation = person.organisation.name if person.organisation else ""
    drawn = segno.make(code_of(registration), error="m").svg_data_uri(scale=4) if qr else ""
    return Printed(str(person), organisation, registration.get_side_display(), drawn)


def confirmed(event: Event, registration_id: int | None = None) -> list[Registration]:
    """The confirmed registrations of people still in the directory (one when asked)."""
    found = event.registrations.filter(status=Status.CONFIRMED, person__isnull=False)
    if registration_id is not None:
        found = found.filter(pk=registration_id)
    ordered = found.select_related("person__organisation")
    return list(ordered.order_by("person__last_name", "person__first_name", "pk"))


def _pdf(template: str, context: dict[str, object]) -> bytes:
    import weasyprint  # imported here: it needs Pango, which only PDF output does

    html = render_to_string(template, context)
    return bytes(weasyprint.HTML(string=html).write_pdf())


def badges(event: Event, registrations: Sequence[Registration]) -> bytes:
    """Badges of these registrations, eight to an A4 page."""
    if not registrations:
        raise CoordinationError(f"Nobody is registered for {event.title}: no badge to print.")
    shown = [printed(r, qr=True) for r in registrations]
    context = {"event": event, "dates": _dates(event), "badges": shown}
    return _pdf("desk/badges.html", context)


def certificates(event: Event, registrations: Sequence[Registration]) -> bytes:
    """A certificate of attendance for each of these registrations marked present."""
    present = [r for r in registrations if r.attended]
    if not present:
        raise CoordinationError(
            f"Nobody of these is marked present at {event.title}: no certificate to print."
        )
    shown = [printed(r, qr=False) for r in present]
    context = {"event": event, "dates": _dates(event), "where": _where(event), "people": shown}
    return _pdf("desk/certificates.html", context)
