"""Brakes (issue 14, findings 6 and 12): rate limits on the registration form, sign-up and
log-in, per address or account and per client, with a message; Django's password
validators; no registration for an event that has ended; the directory API bounded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from bilat.cli import main
from bilat.coordination import limits
from bilat.coordination.events.models import PendingRegistration
from bilat.coordination.events.operations import register
from bilat.coordination.limits.models import Attempts
from bilat.errors import CoordinationError

from factories import make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
FORM = {
    "first_name": "Ada",
    "last_name": "Example",
    "sector": "other",
    "country": "DE",
    "consents": ["registration"],
}


def test_the_registration_form_is_limited_per_address_and_per_client():
    event = make_event()
    url = f"/events/{event.slug}/register/"
    client = Client()
    for _ in range(limits.REGISTRATION.per_address):
        client.post(url, FORM | {"email": "ada@example.org"})
    held = client.post(url, FORM | {"email": "ada@example.org"})
    assert held.status_code == 429 and _waits(held, 3600)
    refused = held.content.decode()
    assert "Too many registration attempts for this address" in refused
    # A robot posting many addresses from one client is stopped after 20 in an hour.
    for n in range(limits.REGISTRATION.per_client - limits.REGISTRATION.per_address):
        assert (
            "Too many"
            not in client.post(url, FORM | {"email": f"p{n}@example.org"}).content.decode()
        )
    stopped = client.post(url, FORM | {"email": "one-more@example.org"}).content.decode()
    assert "Too many registration attempts from your network" in stopped
    assert "try again in 60 minutes" in stopped
    assert PendingRegistration.objects.count() == limits.REGISTRATION.per_client - 2
    other = Client(REMOTE_ADDR="192.0.2.7")  # another client is not held back
    assert "Too many" not in other.post(url, FORM | {"email": "ben@example.org"}).content.decode()


def _waits(answer, seconds: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether Retry-After asks for what is left of a window of `seconds` that began during
    this test (a few seconds ago at most)."""
    return seconds - 60 < int(answer["Retry-After"]) <= seconds


def test_a_client_held_near_the_end_of_a_window_is_told_what_is_left_of_it():
    """The window began 50 minutes ago: Retry-After and the page say ten minutes, not the
    hour of a whole window."""
    event = make_event()
    url = f"/events/{event.slug}/register/"
    client = Client()
    for _ in range(limits.REGISTRATION.per_address):
        client.post(url, FORM | {"email": "ada@example.org"})
    ends = timezone.now() + timedelta(minutes=10)
    assert Attempts.objects.filter(key__startswith="registration:").update(window_ends=ends)
    held = client.post(url, FORM | {"email": "ada@example.org"})
    assert held.status_code == 429 and 9 * 60 < int(held["Retry-After"]) <= 10 * 60
    assert "please try again in 10 minutes" in held.content.decode()


def test_wrong_passwords_hold_the_account_even_against_the_right_one():
    make_editor("coordinator", "right-password-123")
    client = Client()
    assert limits.LOGIN.per_pair == 5
    for _ in range(limits.LOGIN.per_pair):
        page = client.post("/accounts/login/", {"username": "coordinator", "password": "wrong"})
        assert "Please enter a correct username and password" in page.content.decode()
    held = client.post(
        "/accounts/login/", {"username": "coordinator", "password": "right-password-123"}
    )
    assert held.status_code == 429 and _waits(held, 15 * 60)
    assert "Too many log-in attempts for this account" in held.content.decode()
    admin = client.post(
        "/admin/login/", {"username": "coordinator", "password": "right-password-123"}
    )
    assert "Too many log-in attempts" in admin.content.decode()  # the admin's door too
    # Held for that client only: whoever sent the wrong passwords cannot lock the editor
    # out of their own computer.
    elsewhere = Client(REMOTE_ADDR="192.0.2.8")
    own = elsewhere.post(
        "/accounts/login/", {"username": "coordinator", "password": "right-password-123"}
    )
    assert own.status_code == 302
    make_editor("other", "right-password-456")
    ok = client.post("/accounts/login/", {"username": "other", "password": "right-password-456"})
    assert ok.status_code == 302  # another account from the same client logs in
    assert ok["Location"] == "/coordination/"  # an editor lands on the editors' start page


def test_wrong_passwords_spread_over_many_clients_hold_the_account_for_everyone():
    """Guessing from many addresses (each under its own limits) still meets the account's
    own count, which no single client can use up (30 a client at most)."""
    make_editor("coordinator", "right-password-123")
    assert limits.LOGIN.per_client < limits.LOGIN.per_address
    for n in range(limits.LOGIN.per_address):
        guess = Client(REMOTE_ADDR=f"198.51.100.{n}")
        guess.post("/accounts/login/", {"username": "coordinator", "password": f"wrong{n}"})
    held = Client(REMOTE_ADDR="192.0.2.9").post(
        "/accounts/login/", {"username": "coordinator", "password": "right-password-123"}
    )
    assert held.status_code == 429
    assert "Too many log-in attempts for this account" in held.content.decode()


def test_a_participant_lands_on_their_own_data_after_logging_in():
    User.objects.create_user("ada", "ada@example.org", "a long passphrase")
    ok = Client().post("/accounts/login/", {"username": "ada", "password": "a long passphrase"})
    assert ok.status_code == 302 and ok["Location"] == "/me/"


def test_the_counts_are_shared_by_every_server_process() -> None:
    """The counts live in the database, not in a process's memory: a process that starts
    afresh (its own empty cache) still refuses, and no address is kept in clear."""
    from django.core.cache import cache

    from bilat.coordination.limits.models import Attempts

    for _ in range(limits.SIGNUP.per_address):
        limits.attempt(limits.SIGNUP, "Ada@Example.org", "192.0.2.1")
    cache.clear()
    with pytest.raises(limits.TooManyAttempts, match="for this address"):
        limits.check(limits.SIGNUP, "ada@example.org ", "192.0.2.9")
    counted = dict(Attempts.objects.values_list("key", "count"))
    assert sorted(counted.values()) == [3, 3]
    assert not any("ada" in key for key in counted)


def test_an_address_of_any_length_is_counted_not_a_500():
    client = Client()
    answer = client.post("/accounts/login/", {"username": "x" * 5000, "password": "y"})
    assert answer.status_code == 200
    assert "Please enter a correct username and password" in answer.content.decode()


def test_sign_up_is_limited_per_address():
    client = Client()
    form = {"email": "ada@example.org", "first_name": "Ada", "last_name": "Example"}
    for _ in range(limits.SIGNUP.per_address):
        assert "Too many" not in client.post("/accounts/signup/", form).content.decode()
    held = client.post("/accounts/signup/", form)
    assert held.status_code == 429 and _waits(held, 3600)
    assert "Too many sign-up attempts for this address" in held.content.decode()


@pytest.mark.parametrize("password", ["a", "password", "12345678901", "coordinator1"])
def test_bilat_user_refuses_a_weak_password(password: str):
    result = CliRunner().invoke(
        main, ["user", "coordinator", "--role", "editor", "--password", password]
    )
    assert result.exit_code == 1
    assert "Error: The password is refused:" in result.output
    assert not User.objects.filter(username="coordinator").exists()


def test_an_event_that_has_ended_takes_no_registration():
    over = make_event(
        starts=date.today() - timedelta(days=3), ends=date.today() - timedelta(days=1)
    )
    # The form is not offered at all: the page says why before anyone fills anything in.
    offered = Client().get(f"/events/{over.slug}/register/").content.decode()
    assert f"{over.title} ended on" in offered and 'name="email"' not in offered
    page = Client().post(f"/events/{over.slug}/register/", FORM | {"email": "ada@example.org"})
    assert f"{over.title} ended on" in page.content.decode()
    assert not PendingRegistration.objects.exists()
    with pytest.raises(CoordinationError, match="ended on"):
        register(None, over, make_person(), source="test")
    # Editors record who came to a past event.
    assert register(None, over, make_person(), source="editor", after_end=True).pk


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"limit": 1_000_000_000}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": 10**30}, "offset"),
        ({"offset": -1}, "offset"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_the_directory_api_bounds_limit_and_offset(query, parameter):
    client = Client()
    client.force_login(make_editor())
    response = client.get("/api/people", query)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_the_directory_api_pages_within_bounds():
    for n in range(3):
        make_person(f"p{n}@example.org")
    client = Client()
    client.force_login(make_editor())
    answer = client.get("/api/people", {"limit": 2, "offset": 2}).json()
    assert answer["count"] == 3 and len(answer["items"]) == 1
    assert client.get("/api/people", {"offset": 10_000_000}).json()["items"] == []
