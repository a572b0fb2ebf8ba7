"""The coordination pages make as many database queries for many rows as for few: no page
asks the database once per person, event or recommendation (the N+1 pattern that makes a
page slow as the directory grows)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bilat.coordination.events.models import Session
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.recommendations.operations import create_recommendation
from bilat.coordination.stakeholders.models import Theme

from factories import make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
PAGES = [
    "/events/",
    "/events/{slug}/",
    "/recommendations/",
    "/recommendations.csv",
    "/api/events",
    "/api/recommendations",
    "/api/people",
    "/coordination/people/",
    "/coordination/people.csv",
    "/coordination/events/{slug}/",
    "/coordination/events/{slug}/registrations.csv",
    "/coordination/workshops/",
]


def grow(n: int) -> str:
    """`n` more people registered for one event (attending, each from an organisation of
    their own, with a theme and a speaker slot), `n` more events and recommendations."""
    theme, _ = Theme.objects.get_or_create(name="oceans")
    event = make_event(capacity=None)
    event.themes.add(theme)
    for i in range(n):
        person = make_person(
            organisation=f"Organisation {event.pk}-{i}", consents=("registration", "speaker")
        )
        person.themes.add(theme)
        register(None, event, person, source="test")
        session = Session.objects.create(
            event=event, day=event.starts, starts="09:00", title=f"Talk {i}"
        )
        session.speakers.add(person)
        other = make_event(capacity=50)  # places left are counted for each
        other.themes.add(theme)
        recommendation = create_recommendation(
            None,
            Recommendation(
                title=f"R {event.pk}-{i}", text="t", barrier="data", addressee="both", owner="Group"
            ),
        )
        recommendation.source_events.add(other)
    mark_attendance(None, event, {r.pk: True for r in event.registrations.all()})
    return event.slug


def queries(client: Client, slug: str) -> dict[str, int]:
    counted = {}
    for page in PAGES:
        url = page.format(slug=slug)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        counted[url.replace(slug, "{slug}")] = len(captured)
    return counted


def test_no_page_queries_once_per_row():
    client = Client()
    client.force_login(make_editor())
    few = queries(client, grow(2))
    many = queries(client, grow(12))
    assert many == few
