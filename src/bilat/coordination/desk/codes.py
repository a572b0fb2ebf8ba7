"""The code printed as a QR on a participant's badge: a signed token naming the event and the
registration, so that nobody can make a valid code from an id they guessed or read elsewhere,
and a code of one event checks nobody in at another.

The code is signed with the site's secret key (Django's `Signer`, salted for this use only)
and does not expire: a badge is printed once, days before the event.
"""

from __future__ import annotations

import re

from django.core import signing

from bilat.coordination.events.models import Event, Registration, Status
from bilat.errors import CoordinationError

SALT = "bilat.desk.badge"
PREFIX = "bilat-badge:"
# What a code looks like inside whatever a scanner types (a URL, spaces, a prefix).
_FOUND = re.compile(r"(\d+)-(\d+):[A-Za-z0-9_\-]+")


def code_of(registration: Registration) -> str:
    """The text the badge's QR carries for this registration."""
    value = f"{registration.event_id}-{registration.pk}"
    return PREFIX + signing.Signer(salt=SALT).sign(value)


def read_code(text: str, event: Event) -> Registration:
    """The confirmed registration of `event` that `text` (typed, pasted or scanned) names;
    `CoordinationError` when the code was altered, belongs to another event or to nobody."""
    found = _FOUND.search(text.strip())
    if found is None:
        raise CoordinationError("This is not a badge code of bilat.", field="code")
    try:
        signing.Signer(salt=SALT).unsign(found.group(0))
    except signing.BadSignature as error:
        raise CoordinationError(
            "This badge code is not valid (altered or forged).", field="code"
        ) from error
    event_id, registration_id = int(found.group(1)), int(found.group(2))
    if event_id != event.pk:
        raise CoordinationError("This badge belongs to another event.", field="code")
    registration = (
        event.registrations.filter(pk=registration_id, status=Status.CONFIRMED)
        .select_related("person__organisation")
        .first()
    )
    if registration is None:
        raise CoordinationError("This badge's registration is no longer confirmed.", field="code")
    return registration
