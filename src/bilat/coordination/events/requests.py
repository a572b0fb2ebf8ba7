"""Registrations asked for on the public form. Anyone can type any address into a form, so
the form registers nobody: it e-mails the address a signed link that expires, and only its
owner, by opening it, registers (and gives the consents ticked on the form). The form's
answer is the same whether or not the address is known or registered already; the details
go by e-mail to the address itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bilat.coordination import mail
from bilat.coordination.events.cancelling import cancel_link
from bilat.coordination.events.models import Event, PendingRegistration, Registration, Status
from bilat.coordination.events.notices import when_and_where
from bilat.coordination.events.operations import check_open, register_person
from bilat.coordination.stakeholders.operations import PersonData, find_person, normal_email
from bilat.errors import CoordinationError

LINK_HOURS = 72
_SALT = "bilat.coordination.registration"


@transaction.atomic
def request_registration(
    event: Event, data: PersonData, answers: Mapping[str, str] | None = None
) -> None:
    """Send the address the link that confirms this registration (or, when it is registered
    already, a note that says where it stands). Refused only for what is public: a closed,
    ended or full event. The answers to the event's questions wait with the details."""
    check_open(event)
    email = normal_email(data.email)
    now = timezone.now()
    PendingRegistration.objects.filter(created__lt=now - timedelta(hours=LINK_HOURS)).delete()
    person = find_person(email)
    existing = (
        event.registrations.filter(person=person).exclude(status=Status.CANCELLED).first()
        if person is not None
        else None
    )
    if existing is not None:
        mail.after_commit(email, f"Already registered: {event.title}", _already(existing))
        return
    pending, _ = PendingRegistration.objects.update_or_create(
        event=event,
        email=email,
        defaults={"details": asdict(data) | {"answers": dict(answers or {})}, "created": now},
    )
    mail.after_commit(
        email,
        f"Confirm your registration: {event.title}",
        f"Someone (probably you) asked to register this address for {event.title} "
        f"({when_and_where(event)}). To confirm, open this link within {LINK_HOURS} hours:\n\n"
        f"{mail.signed_link('event-confirm', pending.pk, salt=_SALT)}\n\nIf it was not "
        "you, ignore this message: nobody is registered, and what was typed into the form is "
        "deleted.\n",
    )


def _already(registration: Registration) -> str:
    where = "on the waiting list" if registration.status == Status.WAITING else "registered"
    return (
        f"Someone (probably you) asked to register this address for "
        f"{registration.event.title}. You are {where} already: nothing was changed. "
        f"To cancel, open this link: {cancel_link(registration)}\n"
    )


AWAITING_SHOWN = 50


def awaiting(event: Event) -> tuple[list[PendingRegistration], int]:
    """The requests for `event` whose link is still valid, oldest first, at most
    `AWAITING_SHOWN` (anyone can type addresses into the form: a flood must not drown the
    editors' page), and how many there are. Editors see them (addresses not proven yet: not
    registered, no place taken), the public never."""
    since = timezone.now() - timedelta(hours=LINK_HOURS)
    found = event.pending.filter(created__gte=since)
    return list(found.order_by("created", "pk")[:AWAITING_SHOWN]), found.count()


def read_link(token: str) -> PendingRegistration:
    """The pending registration a link confirms; `CoordinationError` when the link was
    altered, is too old, or was used already."""
    pk = mail.read_signed(token, salt=_SALT, hours=LINK_HOURS, again="register again")
    found = PendingRegistration.objects.select_related("event").filter(pk=pk).first()
    if found is None:
        raise CoordinationError("This registration was confirmed already (or replaced).")
    return found


@transaction.atomic
def confirm(pending: PendingRegistration) -> Registration:
    """The owner of the address confirms: save them (a known person's details stay as they
    are; the consents they ticked are recorded), register them, forget the request."""
    details = dict(pending.details)
    answers = details.pop("answers", {})  # absent from requests made before questions
    registration = register_person(
        None,
        pending.event,
        PersonData(**details),
        source="public form, confirmed",
        overwrite=False,
        answers=answers,
    )
    pending.delete()
    return registration
