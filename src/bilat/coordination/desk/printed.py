"""Badges and certificates of attendance as PDF (WeasyPrint, as the reports), for one
participant or everyone at once.

A badge holds the name, organisation and side, the event, and a QR code of the signed badge
code (`codes`) drawn by segno as SVG; eight badges fill an A4 page, with cut lines. A
certificate of attendance is one A4 landscape page per participant who was marked present.

A name or an organisation is printed in its box whatever its length, as a badge printer does:
it breaks anywhere it must, and its size shrinks (`_fitted`) until its lines fit the box's
height, so a name typed as one word of 120 letters neither crosses a badge's cut line into the
next badge nor runs past a certificate's border.
"""

from __future__ import annotations

import math
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
    name_pt: float  # the sizes that fit the name and organisation in their box
    organisation_pt: float


@dataclass(frozen=True)
class Box:
    """Where a badge's or a certificate's name and organisation are printed: the box's width
    and height (mm, set alike in the template's CSS), the largest and least sizes (pt), and
    the line heights (as the CSS's `line-height`) of the name and of the organisation."""

    width: float
    height: float
    name_pt: float
    organisation_pt: float
    least_pt: float
    name_line: float
    organisation_line: float


# The badge's `.who` (50 mm beside the QR code, down to the side's label) and the certificate's
# name and organisation (the 217 mm inside its border, and the height the rest leaves free).
BADGE = Box(50, 34, 17, 9.5, 6.5, 1.15, 1.25)
CERTIFICATE = Box(210, 45, 24, 13, 9, 1.2, 1.3)
_MM_PER_PT = 25.4 / 72
# The widest a character of DejaVu Sans or Serif is on average, in ems (bold; the lower-case
# letters are narrower): an estimate on the wide side, so a name estimated to fit does fit.
_EM = 0.75


def _lines(text: str, width: float, pt: float) -> int:
    """How many lines `text` takes at `pt` in `width` mm, breaking between words and inside a
    word longer than a line."""
    per_line = max(1, int(width / (_EM * pt * _MM_PER_PT)))
    lines, used = 0, per_line
    for word in text.split():
        if used + 1 + len(word) <= per_line:
            used += 1 + len(word)
            continue
        lines += math.ceil(len(word) / per_line)
        used = len(word) % per_line or per_line
    return lines


def _fitted(name: str, organisation: str, box: Box) -> tuple[float, float]:
    """The largest sizes (the name's and organisation's, shrunk alike, never below the least)
    at which both fit the box's height; the least when even those do not."""
    for step in range(20, 0, -1):
        scale = step / 20
        name_pt = max(box.name_pt * scale, box.least_pt)
        organisation_pt = max(box.organisation_pt * scale, box.least_pt)
        tall = (
            _lines(name, box.width, name_pt) * name_pt * box.name_line
            + _lines(organisation, box.width, organisation_pt)
            * organisation_pt
            * box.organisation_line
        )
        if tall * _MM_PER_PT <= box.height or name_pt == organisation_pt == box.least_pt:
            return round(name_pt, 1), round(organisation_pt, 1)
    return box.least_pt, box.least_pt


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


def printed(registration: Registration, *, qr: bool, box: Box) -> Printed:
    person = registration.person
    assert person is not None  # callers keep erased people out
    organisation = person.organisation.name if person.organisation else ""
    drawn = segno.make(code_of(registration), error="m").svg_data_uri(scale=4) if qr else ""
    name_pt, organisation_pt = _fitted(str(person), organisation, box)
    side = registration.get_side_display()
    return Printed(str(person), organisation, side, drawn, name_pt, organisation_pt)


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
    shown = [printed(r, qr=True, box=BADGE) for r in registrations]
    context = {"event": event, "dates": _dates(event), "badges": shown}
    return _pdf("desk/badges.html", context)


def certificates(event: Event, registrations: Sequence[Registration]) -> bytes:
    """A certificate of attendance for each of these registrations marked present."""
    present = [r for r in registrations if r.attended]
    if not present:
        raise CoordinationError(
            f"Nobody of these is marked present at {event.title}: no certificate to print."
        )
    shown = [printed(r, qr=False, box=CERTIFICATE) for r in present]
    context = {"event": event, "dates": _dates(event), "where": _where(event), "people": shown}
    return _pdf("desk/certificates.html", context)
