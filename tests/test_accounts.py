"""Participants' accounts: nobody takes over a directory record by signing up with its
address. The account is made, and linked to the record, only from the signed link sent to
the address; the link expires and cannot be altered; asking answers the same for any
address; the editors' notes never reach the person's own account."""

from __future__ import annotations

import json
import time

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.test import Client

from bilat.coordination.audit.models import Change
from bilat.coordination.stakeholders.models import Person

from factories import link_in, make_editor, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
NOTES = "Met at the embassy reception; follow up on the visa question."
SIGNUP = {
    "email": "ADA@example.org",
    "first_name": "Mallory",
    "last_name": "Intruder",
    "password1": "a-long-pass-phrase-9",
    "password2": "a-long-pass-phrase-9",
}


def test_signing_up_with_a_known_address_shows_and_changes_nothing_of_its_record():
    """Finding 1 of issue 14: the sign-up linked the new account to the record at once."""
    known = make_person("ada@example.org", first_name="Ada", last_name="Lovelace")
    Person.objects.filter(pk=known.pk).update(notes=NOTES)
    intruder = Client()
    intruder.post("/accounts/signup/", SIGNUP)
    known.refresh_from_db()
    assert known.user is None
    assert (known.first_name, known.last_name) == ("Ada", "Lovelace")
    page = intruder.get("/me/", follow=True).content.decode()
    assert "ada@example.org" not in page and "Lovelace" not in page
    assert NOTES not in intruder.get("/me/data.json", follow=True).content.decode()
    assert intruder.post("/me/erase/", {"confirm": "yes"}).status_code != 200
    assert Person.objects.filter(pk=known.pk).exists()


def test_the_link_sent_to_the_address_makes_the_account_and_links_the_record(
    django_capture_on_commit_callbacks,
):
    known = make_person("ada@example.org", first_name="Ada", last_name="Lovelace")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP)
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    link = link_in(message)
    weak = client.post(link, {"new_password1": "password", "new_password2": "password"})
    assert "This password is too common." in weak.content.decode()
    assert not User.objects.exists()
    strong = {"new_password1": "Tide-Atlas-Lantern-42", "new_password2": "Tide-Atlas-Lantern-42"}
    assert client.post(link, strong).status_code == 302
    known.refresh_from_db()
    assert known.user is not None and known.user.username == "ada@example.org"
    assert known.last_name == "Lovelace"  # the record is not renamed by the sign-up form
    linked = Change.objects.get(action="link")
    assert (linked.user, linked.object_id, linked.fields) == (known.user, str(known.pk), ["user"])
    assert "ada@example.org" in client.get("/me/").content.decode()
    assert client.post(link, strong).status_code == 302  # used: sent to log in instead
    assert User.objects.count() == 1


def test_an_unknown_address_gets_a_new_record_once_proven(django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP | {"email": "new@example.org"})
    assert not Person.objects.exists()
    strong = {"new_password1": "Tide-Atlas-Lantern-42", "new_password2": "Tide-Atlas-Lantern-42"}
    client.post(link_in(mail.outbox[0]), strong)
    person = Person.objects.get()
    assert (person.email, person.first_name, person.user.username) == (
        "new@example.org",
        "Mallory",
        "new@example.org",
    )


def test_asking_for_an_account_answers_the_same_for_any_address(
    django_capture_on_commit_callbacks,
):
    make_participant(make_person("ada@example.org"))
    answers = []
    for email in ("ada@example.org", "nobody@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post("/accounts/signup/", SIGNUP | {"email": email})
        answers.append(response.content.decode().replace(email, "ADDRESS"))
    assert answers[0] == answers[1]
    has_one, new = mail.outbox
    assert "has one already" in has_one.body and "/accounts/login/" in has_one.body
    assert "/accounts/signup/" in new.body


def test_an_altered_or_expired_link_is_refused(monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/signup/", SIGNUP)
    payload, stamp, signature = link_in(mail.outbox[0]).rstrip("/").split("/")[-1].split(":")
    eve = signing.b64_encode(b'{"email":"eve@example.org","first_name":"E","last_name":"V"}')
    altered = Client().get(f"/accounts/signup/{eve.decode()}:{stamp}:{signature}/")
    assert altered.status_code == 400 and "not valid" in altered.content.decode()
    later = time.time() + 49 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = Client().get(f"/accounts/signup/{payload}:{stamp}:{signature}/")
    assert expired.status_code == 400 and "more than 48 hours old" in expired.content.decode()
    assert not User.objects.exists()


def test_editors_notes_never_reach_the_persons_own_account():
    person = make_person("ada@example.org")
    Person.objects.filter(pk=person.pk).update(notes=NOTES)
    own = Client()
    own.force_login(make_participant(person))
    assert NOTES not in own.get("/me/data.json").content.decode()
    assert NOTES not in own.get("/me/").content.decode()
    editor = Client()
    editor.force_login(make_editor())
    exported = json.loads(editor.get(f"/coordination/people/{person.pk}/data.json").content)
    assert exported["person"]["notes"] == NOTES
