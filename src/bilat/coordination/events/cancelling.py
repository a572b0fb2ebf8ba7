"""Cancelling a registration by the link in its e-mails.

Most registrants come through the public form and have no account, so 'My data' is not open
to them, and a reply to a `noreply` sender reaches nobody. Each message about a registration
carries a signed link to cancel it: whoever opens it has read the message, so it is the
registrant. The link names the registration only (no personal data in it, nor in the logs of
whoever sees it pass), opening it shows what it cancels, and a button does it (mail scanners
open links). It holds until the event ends.
"""

from __future__ import annotations

from bilat.coordination import mail
from bilat.coordination.events.models import Registration, Status
from bilat.errors import CoordinationError

_SALT = "bilat.coordination.cancel"
# Signed links carry their age; this one is good for as long as events are planned ahead.
VALID_HOURS = 24 * 800


def cancel_link(registration: Registration) -> str:
    """The address that cancels `registration` (for its e-mails)."""
    return mail.signed_link("event-cancel", registration.pk, salt=_SALT)


def read_link(token: str) -> Registration:
    """The registration a cancel link names; `CoordinationError` when the link was altered or
    its registration is gone (its person erased)."""
    pk = mail.read_signed(
        token, salt=_SALT, hours=VALID_HOURS, again="cancel from 'My data' on the site"
    )
    found = Registration.objects.select_related("event").filter(pk=pk).first()
    if found is None or found.person_id is None:
        raise CoordinationError("This registration is no longer held: nothing to cancel.")
    return found


def check_cancellable(registration: Registration) -> None:
    """Refuse to cancel what is cancelled already, or of an event that is over (the
    operation itself, `operations.cancel`, sends the notices that import this module)."""
    event = registration.event
    if registration.status == Status.CANCELLED:
        raise CoordinationError(f"Your registration for {event.title} is cancelled already.")
    if event.has_ended:
        raise CoordinationError(f"{event.title} is over: nothing to cancel.")
