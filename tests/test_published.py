"""Only published events are public. Every public output of the events and the
recommendations register (pages, downloads in every format, calendar feeds, the API) is read
whole against an unpublished event that a published recommendation cites: its title appears
in none of them, and its own addresses answer 404."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.recommendations.operations import create_recommendation

from factories import make_event

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]

SECRET = "Closed-door planning meeting"


@pytest.fixture
def cited():
    """A published event and an unpublished one, both sources of a published recommendation."""
    shown = make_event(title="Open oceans workshop")
    hidden = make_event(title=SECRET, published=False)
    recommendation = create_recommendation(
        None,
        Recommendation(
            title="Share ocean data",
            text="Why and how.",
            barrier="data",
            addressee="both",
            owner="EU Delegation",
        ),
        events=[shown, hidden],
    )
    return shown, hidden, recommendation


def text_of(response) -> str:
    """The whole content of an answer as text, whatever its format."""
    kind = response["Content-Type"]
    if "spreadsheetml" in kind:
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        return json.dumps([book.get_sheet_by_name(n).to_python() for n in book.sheet_names])
    if response.get("Content-Disposition", "").endswith('.parquet"'):
        return json.dumps(pq.read_table(io.BytesIO(response.content)).to_pylist(), default=str)
    return response.content.decode()


def public_outputs(shown, recommendation) -> list[str]:
    outputs = [
        "/events/",
        "/events/?kind=thematic_workshop",
        "/events/calendar.ics",
        f"/events/{shown.slug}/",
        f"/events/{shown.slug}/register/",
        f"/events/{shown.slug}.ics",
        "/recommendations/",
        f"/recommendations/{recommendation.pk}/",
        f"/recommendations/?event={shown.slug}",
        "/api/events",
        f"/api/events/{shown.slug}",
        "/api/recommendations",
    ]
    outputs += [f"/recommendations.{fmt}" for fmt in ("csv", "xlsx", "json", "parquet")]
    return outputs


def test_no_public_output_names_an_unpublished_event(cited):
    shown, hidden, recommendation = cited
    client = Client()
    for url in public_outputs(shown, recommendation):
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response)
        assert SECRET not in text and hidden.slug not in text, url
        if "recommendation" in url and "event=" not in url:
            assert "Share ocean data" in text, url  # the recommendation itself is shown
    csv = client.get("/recommendations.csv").content.decode()
    assert "Open oceans workshop" in csv  # its published source is named


def test_an_unpublished_events_own_addresses_answer_404(cited):
    _, hidden, _ = cited
    client = Client()
    for url in (
        f"/events/{hidden.slug}/",
        f"/events/{hidden.slug}/register/",
        f"/events/{hidden.slug}.ics",
        f"/api/events/{hidden.slug}",
    ):
        assert client.get(url).status_code == 404, url
    filtered = client.get("/recommendations/", {"event": hidden.slug}).content.decode()
    assert SECRET not in filtered
