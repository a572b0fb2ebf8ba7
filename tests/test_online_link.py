"""An event's online link reaches its confirmed registrants only: on the event page when
they are signed in, on their own page, in the e-mails (and .ics) sent to them. Tried as a
visitor, as someone registered for another event, as someone on the waiting list, through
the API, the feeds and every public page and download of the example data."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from django.core import mail
from django.test import Client

from bilat.coordination import demo
from bilat.coordination.events.models import Event
from bilat.coordination.events.operations import register
from test_coordination_web import public_pages

from factories import make_editor, make_event, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
LINK = "https://meet.example.org/secret-room-4711"


def _webinar(**given):
    return make_event(place="online", city="", country="", online_link=LINK, **given)


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(make_participant(person))
    return client


def test_a_confirmed_registrant_sees_the_link_and_nobody_else_does():
    webinar = _webinar(capacity=1)
    other_event = make_event()
    confirmed, waiting, elsewhere = make_person(), make_person(), make_person()
    register(None, webinar, confirmed, source="test")
    register(None, webinar, waiting, source="test")  # full: on the waiting list
    register(None, other_event, elsewhere, source="test")
    page = f"/events/{webinar.slug}/"
    registrant = _signed_in(confirmed)
    assert LINK in registrant.get(page).content.decode()
    assert LINK in registrant.get("/me/").content.decode()
    for client in (Client(), _signed_in(waiting), _signed_in(elsewhere)):
        assert LINK not in client.get(page).content.decode()
        assert LINK not in client.get("/me/").content.decode()
    editor = Client()
    editor.force_login(make_editor())
    assert LINK in editor.get(page).content.decode()


def test_the_link_is_in_no_public_page_feed_download_or_api_answer(site_warehouse):
    demo.load()
    online = Event.objects.exclude(online_link="")
    assert online.count() == 2  # the example data's online events have links
    visitor = Client()
    registrant = Client()
    own = online.first()
    someone = own.registrations.filter(status="confirmed").first().person
    registrant.force_login(make_participant(someone))
    for url, text in public_pages(visitor).items():  # every public page, feed and answer
        assert "meet.example.org" not in text, url
    # The pages of their own events show it (above); they may be confirmed at both.
    theirs = {f"/events/{r.event.slug}/" for r in someone.registrations.filter(status="confirmed")}
    assert f"/events/{own.slug}/" in theirs
    for url, text in public_pages(registrant).items():
        if url not in theirs:
            assert "meet.example.org" not in text, url


def test_the_confirmation_and_its_calendar_file_carry_the_link(
    django_capture_on_commit_callbacks,
):
    webinar = _webinar()
    with django_capture_on_commit_callbacks(execute=True):
        register(None, webinar, make_person(), source="test")
    [message] = mail.outbox
    assert LINK in message.body
    [(_name, content, kind)] = message.attachments
    assert kind == "text/calendar"
    [entry] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert LINK in str(entry["description"]) and str(entry["location"]) == LINK
    public = Client().get(f"/events/{webinar.slug}.ics").content.decode()
    assert LINK not in public


def test_someone_on_the_waiting_list_is_not_sent_the_link(django_capture_on_commit_callbacks):
    webinar = _webinar(capacity=0)
    with django_capture_on_commit_callbacks(execute=True):
        register(None, webinar, make_person(), source="test")
    [message] = mail.outbox
    assert "waiting list" in message.body
    assert LINK not in message.body and not message.attachments


def test_the_link_of_an_event_that_ended_is_not_offered_on_the_registrants_page():
    past = _webinar(starts=date.today() - timedelta(days=3))
    person = make_person()
    register(None, past, person, source="test", after_end=True)
    assert LINK not in _signed_in(person).get("/me/").content.decode()
