"""E-mails to registrants: the confirmation with the event in iCalendar (also sent when a
place comes free for someone on the waiting list) and the waiting-list notice. The
registration operations send them when their transaction commits (`bilat.coordination.mail`)."""

from __future__ import annotations

from bilat.coordination import mail
from bilat.coordination.events.addresses import event_url
from bilat.coordination.events.calendar import calendar
from bilat.coordination.events.cancelling import cancel_link
from bilat.coordination.events.models import Event, Registration, Status


def when_and_where(event: Event) -> str:
    """`Tuesday 12 May 2026, 16:00-17:30 CEST (Europe/Brussels), Venue, City` (or `online`),
    as the messages name an event; an event with times says them in UTC too."""
    when = event.when.local + (f" ({event.when.utc})" if event.when.utc else "")
    where = "online" if event.place == "online" else ", ".join(
        p for p in (event.venue, event.city) if p
    )  # fmt: skip
    return f"{when}, {where}" if where else when


def _text(registration: Registration) -> tuple[str, str]:
    event = registration.event
    if registration.status == Status.WAITING:
        subject = f"Waiting list: {event.title}"
        first = (
            f"{event.title} ({when_and_where(event)}) is full, so you are on its waiting "
            "list. We will write again if a place comes free."
        )
    else:
        subject = f"Registered: {event.title}"
        first = f"You are registered for {event.title}, {when_and_where(event)}."
        if event.online_link:
            first += (
                f"\n\nJoin online: {event.online_link}\n(for you only: please do not pass it on)"
            )
    body = (
        f"{first}\n\nThe event: {event_url(event)}\n\nTo cancel, open this link: "
        f"{cancel_link(registration)}\n\nWith an account under this address you can also see, "
        "change or erase what we hold about you from 'My data' on the site.\n"
    )
    return subject, body


def registration_notice(registration: Registration) -> None:
    """Tell the registrant where they stand (confirmed or waiting) once the transaction
    commits, with the event attached as an .ics file for their calendar. Nothing is sent
    for an erased person."""
    person = registration.person
    if person is None:
        return
    subject, body = _text(registration)
    files: list[mail.Attachment] = []
    if registration.status == Status.CONFIRMED:
        event = registration.event
        files.append(
            (f"{event.slug}.ics", calendar([event], join=event.online_link), "text/calendar")
        )
    mail.after_commit(person.email, subject, body, files)
