"""The coordination data lives in the database `make test` says: SQLite, then a real
PostgreSQL server. The database itself refuses what the forms refuse."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from bilat.coordination.events.models import Event, Registration

from factories import make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


def test_runs_on_the_database_make_test_asked_for():
    expected = os.environ.get("BILAT_EXPECT_DATABASE")
    if expected is None:
        pytest.fail("BILAT_EXPECT_DATABASE is not set: run the tests with `make test`")
    assert connection.vendor == expected


def test_an_event_that_ends_before_it_starts_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            slug="bad",
            title="Bad",
            kind="webinar",
            starts=date(2026, 5, 2),
            ends=date(2026, 5, 1),
            place="online",
        )
    assert not Event.objects.filter(slug="bad").exists()


def test_a_person_cannot_be_registered_twice_for_one_event_in_the_database():
    event, person = make_event(), make_person()
    row = {
        "event": event,
        "person": person,
        "side": "US",
        "sector": "university",
        "organisation_type": "HES",
        "source": "test",
    }
    Registration.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(**row)
    assert Registration.objects.filter(event=event).count() == 1


def test_the_migrations_describe_the_models():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
