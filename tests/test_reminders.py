"""Reminders before an event: sent once to each confirmed registrant when the event's own
setting says (days before its start, in its zone), with the .ics and the online link; never
twice however often the command runs; `bilat reminders` for cron."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from click.testing import CliRunner
from django.core import mail

from bilat.cli import main
from bilat.coordination.events.models import Registration, Status
from bilat.coordination.events.operations import cancel, register
from bilat.coordination.events.reminders import send_due

from factories import make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
LINK = "https://meet.example.org/room-12"


def _webinar(**given):
    """A webinar at 16:00 in Brussels on 10 March 2026 (15:00 UTC), reminders 2 days before."""
    values = {
        "starts": date(2026, 3, 10),
        "start_time": time(16),
        "end_time": time(17),
        "timezone": "Europe/Brussels",
        "place": "online",
        "online_link": LINK,
        "reminder_days": 2,
    }
    return make_event(**(values | given))


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def _registrants(event, n):
    people = [make_person() for _ in range(n)]
    for person in people:
        register(None, event, person, source="test", notify=False, after_end=True)
    return people


def test_reminders_go_when_the_events_setting_says_and_only_once(
    django_capture_on_commit_callbacks,
):
    webinar = _webinar()
    people = _registrants(webinar, 3)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due(_at(8, 14, 59)).reminders == 0  # 2 days and a minute before
        sent = send_due(_at(8, 15))
        again = send_due(_at(8, 15, 15))
        later = send_due(_at(10, 14, 59))
    assert (sent.reminders, sent.events) == (3, 1)
    assert again.reminders == later.reminders == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    message = mail.outbox[0]
    assert message.subject == f"Reminder: {webinar.title}"
    assert "Tuesday 10 March 2026, 16:00\u201317:00 CET (Europe/Brussels)" in message.body
    assert "15:00\u201316:00 UTC" in message.body and LINK in message.body
    [(_name, content, _kind)] = message.attachments
    [entry] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert entry.decoded("dtstart").astimezone(UTC) == _at(10, 15)
    assert all(r.reminded == _at(8, 15) for r in Registration.objects.all())


def test_no_reminder_for_the_waiting_list_cancelled_registrations_or_an_event_begun(
    django_capture_on_commit_callbacks,
):
    webinar = _webinar(capacity=1)
    confirmed, waiting = _registrants(webinar, 2)
    # Registered before the event, when it was full (recorded after it ends, nobody waits).
    Registration.objects.filter(person=waiting).update(status=Status.WAITING)
    later = _registrants(_webinar(capacity=None), 1)
    cancel(None, Registration.objects.get(person=later[0]))
    no_setting = _webinar(reminder_days=None)
    _registrants(no_setting, 1)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_due(_at(9, 12))
        begun = _webinar(starts=date(2026, 3, 9), reminder_days=2)
        _registrants(begun, 1)
        assert send_due(_at(9, 15, 30)).reminders == 0  # started at 15:00 UTC: too late
    assert sent.reminders == 1
    assert [m.to for m in mail.outbox] == [[confirmed.email]]
    assert Registration.objects.get(person=waiting).reminded is None


def test_an_all_day_event_is_reminded_before_midnight_of_its_zone(
    django_capture_on_commit_callbacks,
):
    event = _webinar(start_time=None, end_time=None, timezone="America/New_York", reminder_days=1)
    _registrants(event, 1)
    with django_capture_on_commit_callbacks(execute=True):
        # New York is on summer time from 8 March 2026: its midnight is 04:00 UTC.
        assert send_due(_at(9, 3, 59)).reminders == 0
        assert send_due(_at(9, 4)).reminders == 1


def test_the_command_sends_the_reminders_due_now_once(django_capture_on_commit_callbacks):
    soon = datetime.now(UTC) + timedelta(days=1)
    event = _webinar(starts=soon.date(), start_time=None, end_time=None, timezone="UTC")
    _registrants(event, 2)  # an all-day event tomorrow, reminded 2 days before: due now
    with django_capture_on_commit_callbacks(execute=True):
        first = CliRunner().invoke(main, ["reminders"])
        second = CliRunner().invoke(main, ["reminders"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "Sent 2 reminders for 1 events."
    assert second.output.strip() == "Sent 0 reminders for 0 events."
    assert len(mail.outbox) == 2
