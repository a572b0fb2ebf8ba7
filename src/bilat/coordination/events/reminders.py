"""Reminders before an event: each confirmed registrant gets one e-mail, `reminder_days`
days before the event starts (a setting of each event; empty: no reminder), with the event
as an .ics file and, for them only, the online link.

`send_due` is meant to run often (every quarter of an hour from cron: `bilat reminders`) and
is idempotent: a registration is claimed, by setting its `reminded` time in the same UPDATE
that checks it was not set, before its message is sent, so two runs at once, or a run
repeated, never send a reminder twice. The cost is the other way round: a mail server that
fails after the claim loses that one reminder (the failure is in the server's log).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bilat.coordination import mail
from bilat.coordination.events.addresses import event_url
from bilat.coordination.events.calendar import calendar
from bilat.coordination.events.cancelling import cancel_link
from bilat.coordination.events.models import Event, Registration, Status
from bilat.coordination.events.notices import when_and_where


@dataclass(frozen=True)
class Sent:
    """What a run did: reminders sent, and the events they were for."""

    reminders: int
    events: int


def is_due(event: Event, now: datetime) -> bool:
    """Whether `event`'s reminders are due at `now`: within its reminder window, and not
    started yet."""
    if event.reminder_days is None:
        return False
    starts = event.start_at
    return starts - timedelta(days=event.reminder_days) <= now < starts


def due_events(now: datetime) -> list[Event]:
    """The events whose reminders are due (their moments depend on their zones, so the
    few events not over are checked one by one)."""
    soon = Event.objects.filter(
        reminder_days__isnull=False, ends__gte=(now - timedelta(days=1)).date()
    )
    return [e for e in soon if is_due(e, now)]


def _message(registration: Registration) -> tuple[str, str]:
    event = registration.event
    body = f"A reminder: you are registered for {event.title}, {when_and_where(event)}.\n\n"
    if event.online_link:
        body += f"Join online: {event.online_link}\n(for you only: please do not pass it on)\n\n"
    body += (
        f"The event: {event_url(event)}\n\nIf you cannot come, please cancel your "
        f"registration with this link, so that someone on the waiting list may take your "
        f"place: {cancel_link(registration)}\n"
    )
    return f"Reminder: {event.title}", body


def _remind(registration: Registration, now: datetime) -> bool:
    """Claim the registration and send its reminder; False when another run had it."""
    with transaction.atomic():
        claimed = Registration.objects.filter(pk=registration.pk, reminded__isnull=True).update(
            reminded=now
        )
        if not claimed or registration.person is None:
            return False
        event = registration.event
        subject, body = _message(registration)
        ics = (f"{event.slug}.ics", calendar([event], join=event.online_link), "text/calendar")
        mail.after_commit(registration.person.email, subject, body, [ics])
    return True


def send_due(now: datetime | None = None) -> Sent:
    """Send every reminder that is due and not sent yet."""
    now = now or timezone.now()
    sent, events = 0, 0
    for event in due_events(now):
        waiting = event.registrations.filter(
            status=Status.CONFIRMED, person__isnull=False, reminded__isnull=True
        ).select_related("person", "event")
        n = sum(_remind(r, now) for r in waiting)
        sent += n
        events += n > 0
    return Sent(sent, events)
