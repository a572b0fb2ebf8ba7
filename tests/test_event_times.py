"""Event times with a time zone: what the model accepts, the moments it stands for, and how
events known by their dates only were given a zone by the migration."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bilat.coordination.events.models import Event

from factories import make_event

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


def test_a_webinar_starts_at_its_local_time_in_its_zone():
    webinar = make_event(
        starts=date(2026, 3, 3),
        start_time=time(16, 0),
        end_time=time(17, 30),
        timezone="Europe/Brussels",
    )
    webinar.full_clean()
    assert webinar.start_at.astimezone(UTC) == datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
    assert webinar.end_at.astimezone(UTC) == datetime(2026, 3, 3, 16, 30, tzinfo=UTC)
    # The same clock time in July is summer time: one hour earlier in UTC.
    summer = make_event(
        starts=date(2026, 7, 7), start_time=time(16), end_time=time(17), timezone="Europe/Brussels"
    )
    assert summer.start_at.astimezone(UTC).hour == 14


def test_an_event_without_times_lasts_its_whole_days_in_its_zone():
    event = make_event(starts=date(2026, 5, 4), ends=date(2026, 5, 5), timezone="America/New_York")
    assert event.all_day
    assert event.start_at.astimezone(UTC) == datetime(2026, 5, 4, 4, 0, tzinfo=UTC)
    assert event.end_at.astimezone(UTC) == datetime(2026, 5, 6, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"timezone": "Europe/Brusels"}, "timezone", "is not a time zone"),
        ({"timezone": "CET+1"}, "timezone", "is not a time zone"),
        ({"start_time": time(10)}, "end_time", "both a start and an end time"),
        ({"start_time": time(10), "end_time": time(9)}, "end_time", "ends before it starts"),
        (  # 29 March 2026, 02:30 in Brussels: the clocks jump from 02:00 to 03:00
            {"starts": date(2026, 3, 29), "start_time": time(2, 30), "end_time": time(4)},
            "start_time",
            "does not exist in Europe/Brussels",
        ),
    ],
)
def test_times_and_zones_that_cannot_be_are_refused_with_the_field_named(values, field, words):
    event = make_event(timezone="Europe/Brussels")
    for name, value in values.items():
        setattr(event, name, value)
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert field in refused.value.message_dict
    assert words in " ".join(refused.value.message_dict[field])


def test_a_multi_day_event_may_end_earlier_in_the_day_than_it_started():
    event = make_event(
        starts=date(2026, 6, 1),
        ends=date(2026, 6, 2),
        start_time=time(14),
        end_time=time(12),
        timezone="America/Chicago",
    )
    event.full_clean()
    assert (event.end_at - event.start_at).total_seconds() == 22 * 3600


@pytest.mark.django_db(transaction=True)
def test_events_known_by_their_dates_get_the_zone_of_where_they_were_held():
    executor = MigrationExecutor(connection)
    before = [("events", "0003_documents_private_by_default")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("events", "Event")
    common = {"kind": "info_day", "starts": date(2025, 5, 1), "ends": date(2025, 5, 1)}
    places = {
        "lisbon": {"place": "EU", "country": "PT"},
        "washington": {"place": "US", "country": "US"},
        "us-unknown": {"place": "US", "country": ""},
        "online": {"place": "online", "country": ""},
    }
    for slug, where in places.items():
        old.objects.create(slug=slug, title=slug, **common, **where)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    zones = dict(Event.objects.values_list("slug", "timezone"))
    assert zones == {
        "lisbon": "Europe/Lisbon",
        "washington": "America/New_York",
        "us-unknown": "America/New_York",
        "online": "Europe/Brussels",
    }
    assert all(e.all_day for e in Event.objects.all())
