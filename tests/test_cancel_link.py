"""Cancelling by the link of the e-mails: a registrant from the public form has no account,
and a reply to a `noreply` sender reaches nobody. Opening the link cancels nothing (mail
scanners open links); its button does, once; an altered link or an event that is over is
refused; the place freed goes to the waiting list."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from bilat.coordination.audit.models import Change
from bilat.coordination.events.models import Registration, Status
from bilat.coordination.events.operations import register

from factories import make_event, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


def _cancel_link(message: mail.EmailMessage) -> str:
    (found,) = re.findall(r"https?://\S+/events/cancel/\S+/", message.body)
    return str(found).removeprefix(settings.BILAT_BASE_URL)


def test_the_link_of_the_confirmation_cancels_once_and_frees_the_place(
    django_capture_on_commit_callbacks,
):
    event = make_event(title="Grid workshop", capacity=1)
    first, second = make_person(first_name="Ada"), make_person(first_name="Ben")
    with django_capture_on_commit_callbacks(execute=True):
        mine = register(None, event, first, source="test")
        theirs = register(None, event, second, source="test")
    assert (mine.status, theirs.status) == (Status.CONFIRMED, Status.WAITING)
    sent = next(m for m in mail.outbox if m.to == [first.email])
    assert "answering this message" not in sent.body
    link = _cancel_link(sent)
    client = Client()
    shown = client.get(link)
    assert shown.status_code == 200 and "Cancel my registration" in shown.content.decode()
    assert Registration.objects.get(pk=mine.pk).status == Status.CONFIRMED  # opened: nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link).content.decode()
    assert "Your registration for" in done and "is cancelled" in done
    assert Registration.objects.get(pk=mine.pk).status == Status.CANCELLED
    assert Registration.objects.get(pk=theirs.pk).status == Status.CONFIRMED
    assert "cancelled already" in client.post(link).content.decode()
    # The waiting registrant's own message carries a link to their own registration only.
    promoted = [m for m in mail.outbox if m.to == [second.email]][-1]
    assert _cancel_link(promoted) != link


def test_an_altered_link_or_an_event_over_cancels_nothing(django_capture_on_commit_callbacks):
    past = date.today() - timedelta(days=3)
    over = make_event(title="Past workshop", starts=past, ends=past)
    person = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(None, over, person, source="test", after_end=True)
    link = _cancel_link(mail.outbox[-1])
    token = link.rstrip("/").rsplit("/", 1)[1]
    value, _, signature = token.partition(":")
    forged = link.replace(token, f"{value}x:{signature}")
    refused = Client().post(forged)
    assert refused.status_code == 400 and "not valid" in refused.content.decode()
    answer = Client().post(link).content.decode()
    assert "Past workshop is over: nothing to cancel" in answer
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


def test_my_data_refuses_to_cancel_twice_or_an_event_over(django_capture_on_commit_callbacks):
    """'My data' checks a cancellation as the link does: a registration cancelled already
    (a second tab, the button pressed again) says so and is not cancelled a second time."""
    event = make_event(title="Grid workshop", capacity=1)
    ada, ben = make_person(first_name="Ada"), make_person(first_name="Ben")
    with django_capture_on_commit_callbacks(execute=True):
        mine = register(None, event, ada, source="test")
        register(None, event, ben, source="test")
    client = Client()
    client.force_login(make_participant(ada))
    url = f"/me/registrations/{mine.pk}/cancel/"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True).content.decode()
    assert "Your registration for Grid workshop is cancelled." in first
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True).content.decode()
    assert "Your registration for Grid workshop is cancelled already." in again
    assert "Grid workshop is cancelled." not in again
    assert len(mail.outbox) == sent
    logged = Change.objects.filter(action="cancel", object_id=str(mine.pk))
    assert logged.count() == 1
    past = date.today() - timedelta(days=3)
    over = make_event(title="Past workshop", starts=past, ends=past)
    ended = register(None, over, ada, source="test", after_end=True)
    answer = client.post(f"/me/registrations/{ended.pk}/cancel/", follow=True).content.decode()
    assert "Past workshop is over: nothing to cancel." in answer
    assert Registration.objects.get(pk=ended.pk).status == Status.CONFIRMED
