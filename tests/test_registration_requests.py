"""The public registration form registers nobody and records no consent by itself: the
owner of the address confirms from the e-mail sent there. Its answer does not tell whether an
address is known or registered; the details go to the address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from bilat.coordination.events.models import PendingRegistration, Registration
from bilat.coordination.events.operations import register
from bilat.coordination.stakeholders.models import Consent, Person

from factories import link_in, make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
FORM = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.org",
    "organisation": "",
    "sector": "other",
    "country": "GB",
    "consents": ["registration", "speaker", "newsletter"],
}


def test_a_form_posted_with_someone_elses_address_registers_and_consents_nothing():
    """Finding 2 of issue 14: the form registered a known person and added consents to their
    record (their name could then appear on a public agenda)."""
    ada = make_person("ada@example.org", first_name="Ada", last_name="Lovelace")
    event = make_event()
    Client().post(f"/events/{event.slug}/register/", FORM)
    assert not Registration.objects.exists()
    assert ada.consents() == {"registration"}
    assert not Consent.objects.exclude(purpose="registration").exists()


def test_the_owner_confirms_and_only_then_is_registered_with_their_consents(
    django_capture_on_commit_callbacks,
):
    ada = make_person("ada@example.org", first_name="Ada", last_name="Lovelace")
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"/events/{event.slug}/register/", FORM)
    [message] = mail.outbox
    assert message.to == ["ada@example.org"] and event.title in message.body
    link = link_in(message)
    page = Client().get(link).content.decode()
    assert "Show my name and organisation as a speaker" in page  # what she agrees to
    assert not Registration.objects.exists()  # opening the link is not confirming
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(link)
    registration = Registration.objects.get()
    assert (registration.person, registration.status) == (ada, "confirmed")
    assert ada.consents() == {"registration", "speaker", "newsletter"}
    assert set(Consent.objects.values_list("source", flat=True)) == {
        "test",
        "public form, confirmed",
    }
    assert not event.pending.exists()
    assert mail.outbox[-1].subject == f"Registered: {event.title}"


def answer(event_slug: str, email: str, django_capture_on_commit_callbacks) -> str:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{event_slug}/register/", FORM | {"email": email})
    page = client.get(response["Location"]).content.decode() if response.status_code == 302 else ""
    page = response.content.decode() + page
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return page.replace(email, "ADDRESS")


def test_the_answer_does_not_tell_whether_an_address_is_registered(
    django_capture_on_commit_callbacks,
):
    """Finding 3 of issue 14: the form answered "x@… is already registered for …"."""
    event = make_event(title="Oceans workshop")
    register(None, event, make_person("ada@example.org"), source="test")
    make_person("ben@example.org")  # known, not registered
    answers = {
        email: answer(event.slug, email, django_capture_on_commit_callbacks)
        for email in ("ada@example.org", "ben@example.org", "nobody@example.org")
    }
    assert len(set(answers.values())) == 1
    assert "already" not in answers["ada@example.org"]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["ada@example.org"].subject == "Already registered: Oceans workshop"
    for email in ("ben@example.org", "nobody@example.org"):
        assert by_address[email].subject == "Confirm your registration: Oceans workshop"
    assert Person.objects.count() == 2 and Registration.objects.count() == 1


def test_an_expired_or_altered_link_registers_nobody(
    monkeypatch, django_capture_on_commit_callbacks
):
    import time

    from django.core import signing

    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"/events/{event.slug}/register/", FORM)
    link = link_in(mail.outbox[0])
    assert Client().post(link.replace(":", ":x", 1)).status_code == 400
    later = time.time() + 73 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = Client().post(link)
    assert expired.status_code == 400 and "more than 72 hours old" in expired.content.decode()
    assert not Registration.objects.exists() and not Person.objects.exists()


def test_editors_see_the_requests_waiting_for_their_address_and_the_public_does_not():
    event = make_event()
    Client().post(f"/events/{event.slug}/register/", FORM)
    editor = Client()
    editor.force_login(make_editor())
    page = editor.get(f"/coordination/events/{event.slug}/").content.decode()
    assert "Waiting for their address to be confirmed" in page
    assert "ada@example.org (asked " in page and "not proven" in page
    assert "ada@example.org" not in Client().get(f"/events/{event.slug}/").content.decode()


def test_a_flood_of_requests_shows_the_editors_the_first_fifty_and_how_many():
    event = make_event()
    now = timezone.now()
    PendingRegistration.objects.bulk_create(
        PendingRegistration(
            event=event, email=f"x{n}@example.org", details={}, created=now - timedelta(hours=1)
        )
        for n in range(60)
    )
    PendingRegistration.objects.create(
        event=event, email="old@example.org", details={}, created=now - timedelta(hours=80)
    )
    editor = Client()
    editor.force_login(make_editor())
    page = editor.get(f"/coordination/events/{event.slug}/").content.decode()
    assert page.count("@example.org (asked ") == 50
    assert "The first 50 of 60 shown." in page and "old@example.org" not in page
