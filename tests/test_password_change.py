"""Changing one's password while logged in (`/me/password/`): the current password first, the
new one twice through Django's validators; this session stays logged in and every other one
of the account ends; wrong current passwords are braked as log-ins are (429, Retry-After); the
address is told, without the password; the change log records it without the password. Tried
as an attacker would: a forged account number, a stolen session guessing, a logged-out visitor,
an unread parameter, a post without the CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from bilat.coordination.audit.models import Change

from factories import link_in, make_editor, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
PAGE = "/me/password/"
OLD = "participant-password"
NEW = "Tide-Atlas-Lantern-42"
Capture = Callable[..., AbstractContextManager[Any]]


def ada() -> User:
    return make_participant(make_person("ada@example.org", first_name="Ada", last_name="King"))


def logged_in(user: User, password: str = OLD) -> Client:
    client = Client()
    assert client.login(username=user.get_username(), password=password)
    return client


def change(client: Client, old: str = OLD, new: str = NEW, **more: str) -> Any:
    data = {"old_password": old, "new_password1": new, "new_password2": new, **more}
    return client.post(PAGE, data)


def test_my_data_leads_to_the_page_for_participants_and_editors() -> None:
    for user, password in [(ada(), OLD), (make_editor(), "editor-password")]:
        me = logged_in(user, password).get("/me/").content.decode()
        assert f'href="{PAGE}"' in me and "Change your password" in me
        page = logged_in(user, password).get(PAGE).content.decode()
        for field in ["old_password", "new_password1", "new_password2"]:
            assert f'name="{field}"' in page
        assert "csrfmiddlewaretoken" in page


def test_a_change_keeps_this_session_ends_the_others_and_tells_the_address(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    user = ada()
    here, elsewhere = logged_in(user), logged_in(user)
    assert elsewhere.get("/me/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answer = change(here)
    assert answer.status_code == 302 and answer["Location"] == "/me/"
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(OLD)
    assert here.get("/me/").status_code == 200  # still logged in here
    gone = elsewhere.get("/me/")
    assert gone.status_code == 302 and gone["Location"].startswith("/accounts/login/")
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "Your bilat password was changed"
    assert re.search(r"changed on \w+day \d\d \w+ \d{4} at \d\d:\d\d UTC", message.body)
    assert link_in(message) == "/accounts/password/reset/"  # no name, no token in it
    assert NEW not in message.body and OLD not in message.body
    (logged,) = Change.objects.filter(model="auth.User", object_id=str(user.pk))
    assert logged.user == user and logged.action == "change"
    assert NEW not in str(logged.__dict__) and user.password not in str(logged.__dict__)
    assert "changed by its owner" in logged.note


def test_the_current_password_is_required_and_the_validators_speak() -> None:
    user = ada()
    client = logged_in(user)
    wrong = change(client, old="not-my-password").content.decode()
    assert "Your old password was entered incorrectly" in wrong
    weak = change(client, new="password").content.decode()
    assert "This password is too common." in weak and "This password is too short." in weak
    unequal = client.post(
        PAGE, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"}
    )
    assert "The two password fields" in unequal.content.decode()
    user.refresh_from_db()
    assert user.check_password(OLD) and mail.outbox == []
    assert not Change.objects.filter(model="auth.User").exists()


def test_wrong_current_passwords_are_braked_as_log_ins_are() -> None:
    """A stolen session guessing the password: five wrong ones from one client hold the
    account's password for that client (the log-in's brake, shared with the log-in page),
    then even the right one is refused with 429 and Retry-After; the log-in page is held
    too, so the guesser cannot go on there."""
    user = ada()
    thief = logged_in(user)
    for guess in range(5):
        assert change(thief, old=f"guess-{guess}").status_code == 200
    held = change(thief)
    assert held.status_code == 429 and 0 < int(held["Retry-After"]) <= 15 * 60
    assert "Too many log-in attempts" in held.content.decode()
    user.refresh_from_db()
    assert user.check_password(OLD)
    login = Client().post("/accounts/login/", {"username": user.username, "password": OLD})
    assert login.status_code == 429


def test_nobody_changes_someone_elses_password() -> None:
    """The form acts on the logged-in account only: a post naming another account's number
    (or username) changes only the poster's own, and only with the poster's own password."""
    victim = make_editor()
    user = ada()
    client = logged_in(user)
    forged = {"user": str(victim.pk), "id": str(victim.pk), "username": victim.username}
    refused = change(client, old="editor-password", **forged)
    assert refused.status_code == 200  # the editor's password is not this account's
    assert change(client, **forged).status_code == 302
    victim.refresh_from_db()
    user.refresh_from_db()
    assert victim.check_password("editor-password") and user.check_password(NEW)


def test_logged_out_visitors_are_sent_to_log_in() -> None:
    for answer in [Client().get(PAGE), change(Client())]:
        assert answer.status_code == 302
        assert answer["Location"] == f"/accounts/login/?next={PAGE}"


def test_an_unread_parameter_is_refused_and_csrf_is_checked() -> None:
    user = ada()
    answer = logged_in(user).get(PAGE + "?user=1")
    assert answer.status_code == 400 and "user" in answer.content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert strict.login(username=user.username, password=OLD)
    assert change(strict).status_code == 403
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_a_reset_by_e_mail_tells_the_address_too(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    ada()
    assert Client().post("/accounts/password/reset/", {"email": "ada@example.org"})
    owner = Client()
    form = owner.get(link_in(mail.outbox[-1]))["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        done = owner.post(form, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert mail.outbox[-1].subject == "Your bilat password was changed"
    assert "chosen" not in mail.outbox[-1].body and NEW not in mail.outbox[-1].body
    assert link_in(mail.outbox[-1]) == "/accounts/password/reset/"
