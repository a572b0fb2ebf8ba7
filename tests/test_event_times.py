"""Event times with a time zone: what the model accepts, the moments it stands for, and how
events known by their dates only were given a zone by the migration."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from bilat.coordination.events import report
from bilat.coordination.events.models import Event
from bilat.reports import make

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


def overnight() -> Event:
    """Two days in Chicago, from 14:00 on the first to 12:00 on the second."""
    return make_event(
        starts=date(2026, 6, 1),
        ends=date(2026, 6, 2),
        start_time=time(14),
        end_time=time(12),
        timezone="America/Chicago",
    )


def test_a_multi_day_event_may_end_earlier_in_the_day_than_it_started():
    event = overnight()
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


def test_the_page_says_the_time_in_the_events_zone_and_in_utc_and_gives_the_moments():
    webinar = make_event(
        starts=date(2026, 3, 3), start_time=time(16), end_time=time(17, 30), place="online"
    )
    page = Client().get(f"/events/{webinar.slug}/").content.decode()
    assert "Tuesday 3 March 2026, 16:00\u201317:30 CET (Europe/Brussels)" in page
    assert "Tuesday 3 March 2026, 15:00\u201316:30 UTC" in page
    assert 'data-event-start="2026-03-03T15:00:00Z"' in page
    assert 'data-event-end="2026-03-03T16:30:00Z"' in page
    assert "/static/bilat/local-time.js" in page
    listing = Client().get("/events/").content.decode()
    assert "3 Mar 2026, 16:00\u201317:30 CET (Europe/Brussels)" in listing


def test_the_list_and_the_outcome_report_give_start_and_end_times_with_the_zone():
    conference = overnight()
    day = make_event(starts=date(2026, 5, 4), ends=date(2026, 5, 5))
    listing = Client().get("/events/").content.decode()
    assert "1 Jun 2026, 14:00 \u2013 2 Jun 2026, 12:00 CDT (America/Chicago)" in listing
    assert "4 May 2026 \u2013 5 May 2026" in listing  # dates only: no time, no zone
    document = report.build(conference)
    assert document.subtitle == (
        "Outcome report: thematic workshop, 1 Jun 2026, 14:00 \u2013 2 Jun 2026, 12:00 CDT "
        "(America/Chicago)"
    )
    assert dict(document.facts)["Dates"] == (
        "Monday 1 June 2026, 14:00 \u2013 Tuesday 2 June 2026, 12:00 CDT (America/Chicago); "
        "Monday 1 June 2026, 19:00 \u2013 Tuesday 2 June 2026, 17:00 UTC"
    )
    html = make.html(document)
    assert "14:00 \u2013 Tuesday 2 June 2026, 12:00 CDT (America/Chicago)" in html
    assert dict(report.build(day).facts)["Dates"] == "Monday 4 May 2026 \u2013 Tuesday 5 May 2026"


def test_an_all_day_event_gives_no_moments_for_a_visitors_clock():
    event = make_event(starts=date(2026, 5, 4), ends=date(2026, 5, 5))
    page = Client().get(f"/events/{event.slug}/").content.decode()
    assert "Monday 4 May 2026 \u2013 Tuesday 5 May 2026" in page
    assert "data-event-start" not in page and " UTC" not in page


def test_the_calendar_carries_the_times_in_the_events_zone():
    webinar = make_event(
        starts=date(2026, 7, 7), start_time=time(10), end_time=time(11), timezone="America/New_York"
    )
    conference = make_event(starts=date(2026, 5, 4), ends=date(2026, 5, 5))
    feed = Client().get("/events/calendar.ics").content
    calendar = icalendar.Calendar.from_ical(feed)
    entries = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    timed = entries[webinar.title]
    assert timed["dtstart"].params["TZID"] == "America/New_York"
    assert timed.decoded("dtstart").astimezone(UTC) == datetime(2026, 7, 7, 14, tzinfo=UTC)
    assert timed.decoded("dtend").astimezone(UTC) == datetime(2026, 7, 7, 15, tzinfo=UTC)
    assert [z["tzid"] for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    all_day = entries[conference.title]
    assert all_day.decoded("dtstart") == date(2026, 5, 4)
    assert all_day.decoded("dtend") == date(2026, 5, 6)


def test_the_api_gives_the_zone_and_the_moments_with_their_offset():
    make_event(slug="webinar", starts=date(2026, 3, 3), start_time=time(16), end_time=time(17))
    make_event(slug="day", starts=date(2026, 3, 4))
    answer = {e["slug"]: e for e in Client().get("/api/events").json()["items"]}
    assert answer["webinar"]["timezone"] == "Europe/Brussels"
    assert answer["webinar"]["start"] == "2026-03-03T16:00:00+01:00"
    assert answer["webinar"]["end"] == "2026-03-03T17:00:00+01:00"
    assert (answer["day"]["start"], answer["day"]["end"]) == (None, None)
    assert "online_link" not in answer["webinar"]


def test_registration_closes_when_the_event_ends_at_its_end_time_not_at_midnight():
    now = datetime.now(UTC)
    began, ended = now - timedelta(hours=2), now - timedelta(minutes=1)
    event = make_event(
        starts=began.date(),
        start_time=began.time(),
        ends=ended.date(),
        end_time=ended.time(),
        timezone="UTC",
    )
    page = Client().get(f"/events/{event.slug}/register/").content.decode()
    assert f"ended on {ended:%d %B %Y}" in page and "<form" not in page.split("<main")[1]


def test_the_reviewers_evening_webinar_and_day_in_los_angeles_run_past_midnight_utc():
    """30 November 2026 in Los Angeles: a webinar 16:00-18:00 (00:00-02:00 UTC on 1 December)
    and an all-day event (until 08:00 UTC on 1 December). At 00:05 UTC neither has ended."""
    webinar = make_event(
        starts=date(2026, 11, 30),
        start_time=time(16),
        end_time=time(18),
        timezone="America/Los_Angeles",
    )
    day = make_event(starts=date(2026, 11, 30), timezone="America/Los_Angeles")
    gone = make_event(starts=date(2026, 11, 28), timezone="UTC")  # ended 29 Nov, 00:00 UTC
    later = make_event(starts=date(2026, 12, 9), timezone="UTC")
    events = Event.objects.all()
    for moment, over in [
        (datetime(2026, 12, 1, 0, 5, tzinfo=UTC), {gone}),
        (datetime(2026, 12, 1, 0, 27, tzinfo=UTC), {gone}),
        (datetime(2026, 12, 1, 2, 0, tzinfo=UTC), {gone, webinar}),  # its end moment: ended
        (datetime(2026, 12, 1, 8, 0, tzinfo=UTC), {gone, webinar, day}),
        (datetime(2026, 11, 29, 0, 0, tzinfo=UTC), {gone}),
        (datetime(2026, 11, 28, 23, 59, tzinfo=UTC), set()),
    ]:
        assert set(events.ended(moment)) == over, moment
        assert set(events.not_ended(moment)) == {webinar, day, gone, later} - over, moment
        assert {e for e in events if e.end_at <= moment} == over, moment


def _ending_across_midnight_utc(now: datetime) -> tuple[Event, bool]:
    """An event whose last day, in its own zone, is not today's date in UTC: one running now
    in UTC-12 (its day is yesterday in UTC) before 11:00 UTC, else one that ended an hour ago
    at Kiritimati, UTC+14 (its day is tomorrow in UTC). Returns it and whether it has ended."""
    hour = timedelta(hours=1)
    if now.hour < 11:
        where, began, ends, over = "Etc/GMT+12", now - hour, now + hour, False
    else:
        where, began, ends, over = "Pacific/Kiritimati", now - 3 * hour, now - hour, True
    zone = ZoneInfo(where)
    began, ends = began.astimezone(zone), ends.astimezone(zone)
    assert ends.date() != now.date()  # what the reviewer saw: the local day is not UTC's
    event = make_event(
        starts=began.date(),
        start_time=began.time().replace(second=0, microsecond=0),
        ends=ends.date(),
        end_time=ends.time().replace(second=0, microsecond=0),
        timezone=where,
    )
    return event, over


def test_the_list_the_event_page_and_the_form_agree_on_whether_an_event_has_ended():
    event, over = _ending_across_midnight_utc(datetime.now(UTC))
    client = Client()
    listed = client.get("/events/").content.decode()
    past = listed.split('id="past-events"')[1]
    coming = listed.split('id="past-events"')[0].split('id="coming-up"')[1]
    assert (event.title in past, event.title in coming) == (over, not over)
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert ("Register</a>" in page) == (not over)
    form = client.get(f"/events/{event.slug}/register/").content.decode()
    assert ("<form" in form.split("<main")[1]) == (not over)
    assert ("ended on" in form) == over
    assert event.has_ended == over
