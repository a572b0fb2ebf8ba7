"""The example coordination data that `make run` loads: marked as examples, invented people
only (example.org addresses), loaded once, and enough to show every coordination page."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from bilat.cli import main
from bilat.coordination import demo
from bilat.coordination.awareness.models import Activity
from bilat.coordination.events.models import Event, Registration
from bilat.coordination.feedback.results import results
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.stakeholders.models import Person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


def test_the_demo_is_marked_as_examples_and_holds_no_real_person():
    created = demo.load(date(2026, 6, 1))
    assert created == {"people": 52, "events": 6, "registrations": Registration.objects.count()}
    assert all(e.title.endswith("(example)") for e in Event.objects.all())
    assert all(e.summary.startswith("Example data.") for e in Event.objects.all())
    assert all(p.email.endswith("@example.org") for p in Person.objects.all())
    assert all(p.notes == "Example data: not a real person." for p in Person.objects.all())
    assert all(r.title.endswith("(example)") for r in Recommendation.objects.all())


def test_the_demo_fills_every_part_of_the_coordination_side():
    today = date.today()  # the clock decides what has ended: no waiting list after the end
    demo.load(today)
    past = Event.objects.filter(ends__lt=today)
    assert past.count() == 4 and Event.objects.filter(starts__gt=today).count() == 2
    assert Registration.objects.filter(event__in=past, attended=True).exists()
    # The Helsinki workshop is full; after their end events keep no waiting list.
    assert set(Registration.objects.filter(status="waiting").values_list("event__slug")) == {
        ("climate-oceans-workshop-example",)
    }
    # Registrations at past events were made before them, not on the day the data was made.
    for event in past:
        assert event.registrations.filter(created__date__gte=event.starts).count() == 0
    assert Registration.objects.filter(event__starts__lt=today, created__date=today).count() == 0
    # The 2022 workshop's schedule was published before it, its survey sent after it.
    linked = Event.objects.get(slug="materials-health-workshop-2022-example")
    assert linked.meeting_plan.published.date() < linked.starts
    assert linked.survey.sent.date() > linked.ends
    # Its survey is closed, so that its results show (none is shown while it is open).
    assert linked.survey.closed > linked.survey.reminded > linked.survey.sent
    assert results(linked.survey).ratings_by_side.num_rows > 1
    assert {r.status for r in Recommendation.objects.all()} == {
        "endorsed",
        "in_progress",
        "implemented",
        "proposed",
    }
    # Every past event (the 2022 workshop too) is logged by marking its attendance; with the
    # newsletter and the talk.
    events_logged = Activity.objects.filter(event__isnull=False, reach__isnull=False)
    assert events_logged.distinct().count() == past.count() == 4
    assert Activity.objects.filter(reach__isnull=False).distinct().count() == 6


def test_loading_twice_adds_nothing_and_the_cli_says_so():
    first = CliRunner().invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    assert "Example coordination data loaded (52 people, 6 events" in first.output
    counts = (Person.objects.count(), Event.objects.count(), Registration.objects.count())
    again = CliRunner().invoke(main, ["demo"])
    assert again.output.strip() == "The example data is already loaded."
    assert (Person.objects.count(), Event.objects.count(), Registration.objects.count()) == counts
