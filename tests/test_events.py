"""Events: registration with capacity and waiting list, refusals that change nothing,
attendance, statistics by side, sector, country and organisation type, the workshop series
and the iCalendar feed."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.test import Client

from bilat.coordination.events.models import Registration, Status
from bilat.coordination.events.operations import cancel, mark_attendance, places_left, register
from bilat.coordination.events.statistics import (
    DIMENSIONS,
    _label,
    event_statistics,
    workshop_series,
)
from bilat.coordination.stakeholders.models import Theme
from bilat.coordination.stakeholders.operations import erase_person
from bilat.errors import CoordinationError

from factories import make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


def test_registration_is_confirmed_while_there_are_places():
    event = make_event(capacity=2)
    registration = register(None, event, make_person(), source="test")
    assert registration.status == Status.CONFIRMED
    assert places_left(event) == 1


def test_a_duplicate_registration_is_refused_and_changes_nothing():
    event, person = make_event(capacity=5), make_person("ada@example.org")
    first = register(None, event, person, source="test")
    with pytest.raises(CoordinationError, match=r"ada@example\.org is already registered"):
        register(None, event, person, source="test")
    assert list(Registration.objects.all()) == [first]


def test_a_full_event_puts_people_on_its_waiting_list_and_a_cancellation_promotes_them():
    event = make_event(capacity=1)
    taken = register(None, event, make_person(), source="test")
    waiting = register(None, event, make_person(), source="test")
    assert waiting.status == Status.WAITING
    promoted = cancel(None, taken)
    assert promoted == waiting
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED and places_left(event) == 0


def test_a_full_event_without_waiting_list_refuses_and_changes_nothing():
    event = make_event(capacity=1, waiting_list=False)
    register(None, event, make_person(), source="test")
    with pytest.raises(CoordinationError, match="is full \\(1 places\\) and has no waiting"):
        register(None, event, make_person(), source="test")
    assert event.registrations.count() == 1


def test_a_closed_registration_is_refused():
    with pytest.raises(CoordinationError, match="closed"):
        register(None, make_event(registration_open=False), make_person(), source="test")


def test_an_event_ending_before_it_starts_gets_a_clear_message():
    event = make_event(starts=date(2026, 5, 2))
    event.ends = date(2026, 5, 1)
    with pytest.raises(ValidationError) as raised:
        event.full_clean()
    assert raised.value.message_dict["ends"] == [
        "The event ends (2026-05-01) before it starts (2026-05-02)."
    ]


def test_attendance_can_only_be_marked_for_confirmed_registrations_of_the_event():
    event, other = make_event(capacity=1), make_event()
    came = register(None, event, make_person(), source="test")
    waiting = register(None, event, make_person(), source="test")
    elsewhere = register(None, other, make_person(), source="test")
    assert mark_attendance(None, event, {came.pk: True}) == 1
    assert mark_attendance(None, event, {came.pk: True}) == 0
    for wrong in (waiting, elsewhere):
        with pytest.raises(CoordinationError, match="not confirmed registrations"):
            mark_attendance(None, event, {wrong.pk: True})
    assert list(Registration.objects.filter(attended=True)) == [came]


def test_statistics_count_by_side_sector_country_and_organisation_type():
    event = make_event(capacity=3)
    people = [
        make_person(country="US", sector="university"),
        make_person(country="US", sector="sme"),
        make_person(country="DE", sector="university"),
        make_person(country="FR", sector="funding"),  # fourth: waiting list
    ]
    registrations = [register(None, event, p, source="test") for p in people]
    mark_attendance(
        None,
        event,
        {registrations[0].pk: True, registrations[2].pk: False, registrations[1].pk: True},
    )
    stats = event_statistics(event)
    assert (stats.registered, stats.waiting, stats.attended) == (3, 1, 2)

    def table(key: str) -> list[tuple[str, int, int, int]]:
        return [(r.label, r.registered, r.waiting, r.attended) for r in stats.breakdowns[key]]

    assert table("side") == [("US side", 2, 0, 2), ("EU side", 1, 1, 0)]
    assert table("sector") == [("University", 2, 0, 1), ("SME", 1, 0, 1), ("Funding body", 0, 1, 0)]
    assert table("country") == [
        ("United States", 2, 0, 2),
        ("Germany", 1, 0, 0),
        ("France", 0, 1, 0),
    ]
    assert table("organisation_type") == [
        ("Higher or secondary education", 2, 0, 1),
        ("Private for-profit (excluding education)", 1, 0, 1),
        ("Public body (excluding research and education)", 0, 1, 0),
    ]


def test_statistics_added_up_in_python_match_each_table_counted_in_the_database():
    """The page's statistics come from one grouped query added up in Python; each table is
    counted here as it was before, one grouped query a dimension, on an event with every
    status, attendance unmarked, false and true, and an erased registrant."""
    event = make_event(capacity=9)
    places = [("US", "university"), ("US", "sme"), ("DE", "funding"), ("FR", "university")]
    people = [make_person(country=c, sector=s) for c, s in places * 3]
    registrations = [register(None, event, p, source="test") for p in people]
    cancel(None, registrations[1])  # the first on the waiting list takes the place
    cancel(None, registrations[10])
    confirmed = event.registrations.filter(status=Status.CONFIRMED).order_by("pk")[:8]
    mark_attendance(None, event, {r.pk: i % 3 == 0 for i, r in enumerate(confirmed)})
    erase_person(None, people[4])
    stats = event_statistics(event)
    every = event.registrations.order_by()
    came = Q(status=Status.CONFIRMED, attended=True)
    expected = every.aggregate(
        registered=Count("id", filter=Q(status=Status.CONFIRMED)),
        waiting=Count("id", filter=Q(status=Status.WAITING)),
        cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
        attended=Count("id", filter=came),
    )
    assert expected == {"registered": 9, "waiting": 1, "cancelled": 2, "attended": 3}
    assert vars(stats) | {"breakdowns": {}, "answers": []} == expected | {
        "breakdowns": {},
        "answers": [],
    }
    for dimension in DIMENSIONS:
        counted = (
            every.values(dimension)
            .annotate(
                registered=Count("id", filter=Q(status=Status.CONFIRMED)),
                waiting=Count("id", filter=Q(status=Status.WAITING)),
                attended=Count("id", filter=came),
            )
            .order_by(dimension)
        )
        rows = sorted(
            (
                (_label(dimension, g[dimension]), g["registered"], g["waiting"], g["attended"])
                for g in counted
                if g["registered"] or g["waiting"]
            ),
            key=lambda row: (-row[1], row[0]),
        )
        shown = stats.breakdowns[dimension]
        found = [(r.label, r.registered, r.waiting, r.attended) for r in shown]
        assert found == rows, dimension


def test_the_workshop_series_counts_repeat_participants_and_themes():
    ai, oceans = Theme.objects.create(name="AI"), Theme.objects.create(name="oceans")
    held = date.today() - timedelta(days=30)
    first, second = make_event(starts=held), make_event(starts=held, kind="funding_workshop")
    first.themes.add(ai)
    second.themes.add(ai, oceans)
    make_event(kind="conference")  # not a workshop: not in the series
    regular, once, absent = make_person(), make_person(), make_person()
    for event, people in ((first, (regular, once, absent)), (second, (regular,))):
        rows = [register(None, event, p, source="test", after_end=True) for p in people]
        mark_attendance(None, event, {r.pk: r.person != absent for r in rows})
    series = workshop_series()
    assert [row.event for row in series.events] == [first, second]
    assert (series.registered, series.attended) == (4, 3)
    assert (series.participants, series.repeat_participants) == (2, 1)
    assert series.themes == [("AI", 2), ("oceans", 1)]


def test_a_workshop_still_to_come_shows_its_attendance_as_not_known_not_zero():
    held = make_event(starts=date.today() - timedelta(days=30))
    coming = make_event()  # in 30 days
    for event in (held, coming):
        register(None, event, make_person(), source="test", after_end=True)
    mark_attendance(None, held, {r.pk: False for r in held.registrations.all()})
    series = workshop_series()
    assert [(row.registered, row.attended) for row in series.events] == [(1, 0), (1, None)]
    assert series.attended == 0
    editor = Client()
    editor.force_login(make_editor())
    page = editor.get("/coordination/workshops/").content.decode()
    cells = page.split(f">{coming.title}</a>")[1].split("</tr>")[0]
    assert ">—</abbr>" in cells and "Not held yet" in cells
    assert '<td class="num">0</td>' in page.split(f">{held.title}</a>")[1].split("</tr>")[0]


def test_the_calendar_feed_lists_published_events_and_no_registrant():
    shown = make_event(title="Open workshop", starts=date(2026, 6, 1), ends=date(2026, 6, 2))
    make_event(title="Draft", published=False)
    register(None, shown, make_person("secret.person@example.org"), source="t", after_end=True)
    response = Client().get("/events/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert b"secret.person" not in response.content
    entries = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in entries] == ["Open workshop"]
    entry = entries[0]
    assert entry.decoded("dtstart") == date(2026, 6, 1)
    assert entry.decoded("dtend") == date(2026, 6, 3)  # exclusive end of an all-day event
    assert str(entry["url"]).endswith(f"/events/{shown.slug}/")


def test_the_calendar_feed_takes_the_event_lists_filters():
    make_event(title="Workshop A")
    make_event(title="Webinar B", kind="webinar", place="online")
    response = Client().get("/events/calendar.ics", {"kind": "webinar"})
    entries = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in entries] == ["Webinar B"]


def test_an_address_is_stored_in_lower_case_however_it_is_written():
    person = make_person("Ada.Lovelace@Example.ORG")
    person.email = " ADA@EXAMPLE.org "
    person.save()
    person.refresh_from_db()
    assert person.email == "ada@example.org"
