"""Factory functions for coordination objects (Indico's style: `make_event(**kwargs)`), so
each test states only what matters to it."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail

from bilat.coordination.events.models import Event, Kind, Location
from bilat.coordination.roles import grant
from bilat.coordination.stakeholders.models import Person
from bilat.coordination.stakeholders.operations import PersonData, save_person

_numbers = itertools.count(1)


def make_event(**given: Any) -> Event:
    n = next(_numbers)
    values: dict[str, Any] = {
        "slug": f"workshop-{n}",
        "title": f"Thematic workshop {n}",
        "kind": Kind.THEMATIC,
        "starts": date.today() + timedelta(days=30),
        "place": Location.US,
        "city": "Boston",
        "country": "US",
    }
    values |= given
    values.setdefault("ends", values["starts"])
    return Event.objects.create(**values)


def make_person(
    email: str | None = None,
    *,
    country: str = "US",
    sector: str = "university",
    organisation: str | None = None,
    consents: tuple[str, ...] = ("registration",),
    **given: Any,
) -> Person:
    n = next(_numbers)
    data = PersonData(
        first_name=given.pop("first_name", f"First{n}"),
        last_name=given.pop("last_name", f"Last{n}"),
        email=email or f"person{n}@example.org",
        organisation=organisation or f"Example {sector} in {country}",
        country=country,
        sector=sector,
        consents=list(consents),
        **given,
    )
    person, _ = save_person(None, data, source="test")
    return person


def make_editor(username: str = "editor", password: str = "editor-password") -> User:
    user = User.objects.filter(username=username).first() or User(username=username)
    user.set_password(password)
    grant(user, "editor")
    return user


def make_participant(person: Person, password: str = "participant-password") -> User:
    user = User.objects.create_user(person.email, email=person.email, password=password)
    person.user = user
    person.save(update_fields=["user"])
    return user


def event_admin_form(**given: str) -> dict[str, str]:
    """The admin's form for a new published event, with no session and no document."""
    return {
        "slug": "info-day",
        "title": "Info day",
        "kind": "info_day",
        "starts": "2026-06-01",
        "ends": "2026-06-01",
        "place": "EU",
        "city": "Brussels",
        "country": "BE",
        "timezone": "Europe/Brussels",
        "reminder_days": "2",
        "registration_open": "on",
        "published": "on",
        "waiting_list": "on",
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    } | given


def link_in(message: mail.EmailMessage) -> str:
    """The one address of the site in an e-mail (the confirmation or sign-up link), as a
    path the test client can open."""
    found = re.findall(r"https?://\S+", message.body)
    assert len(found) == 1, message.body
    assert found[0].startswith(settings.BILAT_BASE_URL), found[0]
    return found[0].removeprefix(settings.BILAT_BASE_URL)


def confirm_pic(person: Person, pic: int) -> Person:
    """The person's organisation matched to its CORDIS organisation, as an editor confirms it."""
    organisation = person.organisation
    assert organisation is not None
    organisation.pic = pic
    organisation.save()
    return person
