"""Importing people from CSV: bilat's template, or the registration export of Indico or
pretix. It lives with the events because an import may register everyone for an event (the
registration export of a workshop); the directory below knows nothing of events.

Reading a file gives a preview, row by row: create (a new e-mail), merge (an e-mail already
in the directory: that person is updated) or reject, with the line, the field and the reason.
A file may also say who came (the template's `attended` column, Indico's and pretix's "Checked
in"): registered for an event, those people are marked present or absent through the events'
attendance verb, so the awareness reach follows.
Applying the preview writes every accepted row in one transaction, so a failure changes
nothing. A file that cannot be read at all raises `CoordinationError`, naming the file.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from bilat.coordination import countries
from bilat.coordination.audit.operations import Actor
from bilat.coordination.events.models import Event, Status
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.stakeholders.models import Purpose
from bilat.coordination.stakeholders.operations import (
    PersonData,
    changes,
    find_person,
    save_person,
)
from bilat.coordination.vocabulary import Sector
from bilat.errors import CoordinationError

TEMPLATE_COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "organisation",
    "country",
    "sector",
    "position",
    "themes",
    "consents",
    "attended",
)
# Where each tool puts what bilat needs; the first header found wins.
LAYOUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "template": {name: (name,) for name in TEMPLATE_COLUMNS},
    "indico": {
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "name": ("Name",),
        "email": ("Email Address", "Email"),
        "organisation": ("Affiliation",),
        "country": ("Country",),
        "position": ("Position",),
        "attended": ("Checked in",),
    },
    "pretix": {
        "first_name": ("Attendee name: Given name", "Invoice address name: Given name"),
        "last_name": ("Attendee name: Family name", "Invoice address name: Family name"),
        "name": ("Attendee name", "Invoice address name"),
        "email": ("Attendee email", "E-mail", "Email"),
        "organisation": ("Company", "Attendee company"),
        "country": ("Country", "Attendee country"),
        "attended": ("Checked in",),
    },
}
YES = {"yes", "y", "true", "1", "x", "present", "attended"}
NO = {"no", "n", "false", "0", "absent"}
SIGNATURES = {"template": "consents", "indico": "Email Address", "pretix": "Order code"}


@dataclass(frozen=True)
class Row:
    line: int
    action: str  # create, merge or reject
    email: str
    data: PersonData | None = None
    reason: str = ""
    attended: bool | None = None  # None: the file does not say


@dataclass
class Preview:
    name: str
    layout: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.action for row in self.rows)
        return {action: found.get(action, 0) for action in ("create", "merge", "reject")}

    @property
    def says_who_came(self) -> bool:
        """Whether any row says if the person attended (the preview then shows it)."""
        return any(row.attended is not None for row in self.rows)


def _decode(name: str, content: bytes, notes: list[str]) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append(f"{name} is not UTF-8; it was read as Windows-1252 (Excel's default).")
        return content.decode("cp1252", errors="replace")


def _layout(name: str, headers: list[str]) -> str:
    for layout, signature in SIGNATURES.items():
        if signature in headers:
            return layout
    raise CoordinationError(
        f"{name}: line 1 has none of the headers bilat reads ({', '.join(headers[:8])}). "
        "Use the template (first_name, last_name, email, organisation, country, sector, "
        "position, themes, consents), or a registration export of Indico or pretix.",
        field="file",
    )


def read(name: str, content: bytes) -> Preview:
    """The preview of importing this file: what would be created, merged or rejected."""
    notes: list[str] = []
    text = _decode(name, content, notes)
    if not text.strip():
        raise CoordinationError(f"{name} is empty.", field="file")
    first = text.splitlines()[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [h.strip() for h in next(reader)]
    preview = Preview(name, _layout(name, headers), notes=notes)
    columns = {
        key: next((headers.index(h) for h in candidates if h in headers), None)
        for key, candidates in LAYOUTS[preview.layout].items()
    }
    seen: dict[str, int] = {}
    start = reader.line_num + 1
    for values in reader:
        line, start = start, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        preview.rows.append(_row(preview.layout, line, values, columns, len(headers), seen))
    if not preview.rows:
        raise CoordinationError(f"{name} has a header but no rows.", field="file")
    return preview


def _row(
    layout: str,
    line: int,
    values: list[str],
    columns: dict[str, int | None],
    width: int,
    seen: dict[str, int],
) -> Row:
    def get(key: str) -> str:
        index = columns.get(key)
        return values[index].strip() if index is not None and index < len(values) else ""

    email = get("email").lower()
    if len(values) != width:
        return Row(line, "reject", email, reason=f"{len(values)} fields instead of {width}")
    first, last = get("first_name"), get("last_name")
    if not (first and last) and get("name"):
        first, _, last = get("name").rpartition(" ")
    problem = _problem(email, first, last, get("country"), get("sector"), get("consents"))
    try:
        attended = _attended(get("attended"))
    except ValueError as error:
        problem, attended = problem or str(error), None
    if problem:
        return Row(line, "reject", email, reason=problem)
    if email in seen:
        return Row(line, "reject", email, reason=f"email: same e-mail as line {seen[email]}")
    seen[email] = line
    consents = [c.strip() for c in get("consents").split(";") if c.strip()]
    if layout != "template":
        consents = [Purpose.REGISTRATION]  # given in the tool's own registration form
    data = PersonData(
        first_name=first,
        last_name=last,
        email=email,
        organisation=get("organisation"),
        country=get("country"),
        sector=get("sector") or Sector.OTHER,
        position=get("position"),
        themes=[t for t in get("themes").split(";") if t.strip()],
        consents=consents,
    )
    known = find_person(email)
    if known is None:
        return Row(line, "create", email, data, attended=attended)
    changed = "; ".join(changes(known, data)) or "no change"
    return Row(line, "merge", email, data, reason=changed, attended=attended)


def _attended(value: str) -> bool | None:
    """Yes, no or not said (empty); a check-in time (pretix writes one) is a yes."""
    text = value.strip().lower()
    if not text:
        return None
    if text in YES or (text[:4].isdigit() and text[4:5] == "-"):
        return True
    if text in NO:
        return False
    raise ValueError(f"attended: {value.strip()!r} is not yes, no or a check-in time")


def _problem(email: str, first: str, last: str, country: str, sector: str, consents: str) -> str:
    if not email:
        return "email: missing"
    try:
        validate_email(email)
    except ValidationError:
        return f"email: {email!r} is not an e-mail address"
    if not first or not last:
        return "name: first and last name are both needed"
    if country and countries.country_code(country) is None:
        return f"country: {country!r} is not a country bilat knows"
    if sector and sector not in Sector.values:
        return f"sector: {sector!r} is not one of {', '.join(Sector.values)}"
    unknown = [c for c in consents.split(";") if c.strip() and c.strip() not in Purpose.values]
    if unknown:
        return f"consents: {unknown[0]!r} is not one of {', '.join(Purpose.values)}"
    return ""


@transaction.atomic
def apply(actor: Actor, preview: Preview, *, event: Event | None = None) -> dict[str, int]:
    """Write the accepted rows (and register them for `event`, if given); all or nothing."""
    done: Counter[str] = Counter()
    source = f"import of {preview.name}"
    came: dict[int, bool] = {}
    for row in preview.rows:
        if row.data is None:
            continue
        person, created = save_person(actor, row.data, source=source)
        done["created" if created else "merged"] += 1
        if event is None:
            continue
        registration = event.registrations.filter(person=person).first()
        if registration is None:
            # Their registration tool has told them already: no second e-mail.
            registration = register(
                actor, event, person, source=source, notify=False, after_end=True
            )
            done["registered"] += 1
        if row.attended is not None:
            if registration.status != Status.CONFIRMED:
                raise CoordinationError(
                    f"{preview.name}, line {row.line}, attended: {row.email} is "
                    f"{registration.get_status_display().lower()} at {event.title}, not "
                    "confirmed, so cannot be marked present or absent.",
                    field="attended",
                )
            came[registration.pk] = row.attended
    if event is not None and came:
        done["attendance marked"] = mark_attendance(actor, event, came)
    return dict(done)
