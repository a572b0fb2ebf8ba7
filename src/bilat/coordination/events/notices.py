"""E-mails to registrants: the confirmation with the event in iCalendar (also sent when a
place comes free for someone on the waiting list) and the waiting-list notice. Sent through
Django's mail settings, which `BILAT_EMAIL` sets (the server's log by default)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from bilat.coordination.events.calendar import calendar
from bilat.coordination.events.models import Registration, Status


def _text(registration: Registration, url: str) -> tuple[str, str]:
    event = registration.event
    when = event.starts.strftime("%d %B %Y")
    where = "online" if event.place == "online" else ", ".join(
        p for p in (event.venue, event.city) if p
    )  # fmt: skip
    if registration.status == Status.WAITING:
        subject = f"Waiting list: {event.title}"
        first = (
            f"{event.title} ({when}, {where}) is full, so you are on its waiting list. "
            "We will write again if a place comes free."
        )
    else:
        subject = f"Registered: {event.title}"
        first = f"You are registered for {event.title}, {when}, {where}."
    body = (
        f"{first}\n\nThe event: {url}\n\nYou can see, change or erase what we hold about "
        "you, and cancel your registration, from 'My data' on the site, or by answering this "
        "message.\n"
    )
    return subject, body


def send_registration(registration: Registration, url: str, *, domain: str) -> None:
    """Tell the registrant where they stand (confirmed or waiting), with the event attached
    as an .ics file for their calendar. Nothing is sent for an erased person."""
    person = registration.person
    if person is None:
        return
    subject, body = _text(registration, url)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    if registration.status == Status.CONFIRMED:
        ics = calendar([registration.event], lambda event: url, domain=domain)
        message.attach(f"{registration.event.slug}.ics", ics, "text/calendar")
    message.send()
