"""The recommendations register: a dated, signed history of every status change; evidence
that points at the observatory; a public register that filters and exports, and shows
nothing unpublished."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.recommendations.operations import (
    change_status,
    check_link,
    create_recommendation,
)
from bilat.errors import CoordinationError

from factories import make_editor, make_event

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


def make_recommendation(title: str = "Publish a cost guide", **given: object) -> Recommendation:
    values = {
        "title": title,
        "text": "Why and how.",
        "barrier": "funding_rules",
        "addressee": "both",
        "owner": "EU Delegation",
    } | given
    return create_recommendation(None, Recommendation(**values))


def test_every_status_change_is_dated_and_signed_in_the_history():
    editor = make_editor()
    recommendation = make_recommendation()
    change_status(editor, recommendation, "endorsed", "agreed at the conference")
    change_status(editor, recommendation, "in_progress")
    history = list(recommendation.history.all())
    assert [(h.old, h.new) for h in history] == [
        ("", "proposed"),
        ("proposed", "endorsed"),
        ("endorsed", "in_progress"),
    ]
    assert [h.by for h in history] == [None, editor, editor]
    assert history[1].note == "agreed at the conference"
    assert history[0].at <= history[1].at <= history[2].at
    recommendation.refresh_from_db()
    assert recommendation.status == "in_progress"


def test_moving_to_the_same_status_or_an_unknown_one_is_refused():
    recommendation = make_recommendation()
    with pytest.raises(CoordinationError, match="already Proposed"):
        change_status(None, recommendation, "proposed")
    with pytest.raises(CoordinationError, match="'done' is not a status"):
        change_status(None, recommendation, "done")
    assert recommendation.history.count() == 1


@pytest.mark.parametrize(
    "link",
    [
        "/country/US/?programme=HE",
        "/report/us-participation.pdf?country=US",
        "https://cordis.europa.eu/projects",
    ],
)
def test_evidence_links_to_the_observatory_or_the_web(link: str):
    assert check_link(link) == link


@pytest.mark.parametrize("link", ["/admin/", "javascript:alert(1)", "ftp://example.org/x"])
def test_other_evidence_links_are_refused(link: str):
    with pytest.raises(CoordinationError, match="neither a page of the observatory"):
        check_link(link)


def test_the_public_register_filters_and_hides_what_is_unpublished():
    workshop = make_event(title="AI workshop")
    ai = make_recommendation("Share health data", barrier="data")
    ai.source_events.add(workshop)
    make_recommendation("Ease visas", barrier="mobility", addressee="US")
    make_recommendation("Internal note", published=False)
    client = Client()
    html = client.get("/recommendations/").content.decode()
    assert "Share health data" in html and "Ease visas" in html
    assert "Internal note" not in html
    filtered = client.get("/recommendations/", {"barrier": "data"}).content.decode()
    assert "Share health data" in filtered and "Ease visas" not in filtered
    by_event = client.get("/recommendations/", {"event": workshop.slug}).content.decode()
    assert "Share health data" in by_event and "Ease visas" not in by_event
    hidden = Recommendation.objects.get(title="Internal note")
    assert client.get(f"/recommendations/{hidden.pk}/").status_code == 404


def test_the_register_exports_what_it_shows():
    make_recommendation("Share health data", barrier="data")
    make_recommendation("Ease visas", barrier="mobility")
    client = Client()
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/recommendations.csv", {"barrier": "mobility"}).content.decode()
            )
        )
    )
    assert [(r["title"], r["barrier"], r["status"]) for r in rows] == [
        ("Ease visas", "Mobility and visas", "Proposed")
    ]
    document = json.loads(client.get("/recommendations.json").content)
    assert sorted(r["title"] for r in document["rows"]) == ["Ease visas", "Share health data"]
    assert client.get("/recommendations.xlsx").status_code == 200
    assert client.get("/recommendations.doc").status_code == 400


def test_only_editors_write_or_move_recommendations():
    recommendation = make_recommendation()
    anonymous = Client()
    assert anonymous.get("/coordination/recommendations/new/").status_code == 302
    anonymous.post(f"/recommendations/{recommendation.pk}/", {"status": "rejected"})
    recommendation.refresh_from_db()
    assert recommendation.status == "proposed"
    editor = Client()
    editor.force_login(make_editor())
    editor.post(f"/recommendations/{recommendation.pk}/", {"status": "rejected", "note": "no"})
    recommendation.refresh_from_db()
    assert recommendation.status == "rejected"


def test_an_edit_saves_the_fields_adds_evidence_and_is_logged():
    from bilat.coordination.audit.models import Change

    recommendation = make_recommendation("Publish a cost guide")
    event = make_event(title="Funding workshop")
    editor = make_editor()
    client = Client()
    client.force_login(editor)
    form = {
        "title": "Publish a joint cost guide",
        "text": "Why and how.",
        "source_events": [event.pk],
        "barrier": "funding_rules",
        "addressee": "both",
        "funder_type": "any",
        "priority": "high",
        "owner": "EU Delegation",
        "published": "on",
        "evidence_label": "US in HE",
        "evidence_link": "/country/US/?programme=HE",
    }
    response = client.post(f"/coordination/recommendations/{recommendation.pk}/", form)
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.priority) == ("Publish a joint cost guide", "high")
    assert list(recommendation.source_events.all()) == [event]
    assert [(e.label, e.link) for e in recommendation.evidence.all()] == [
        ("US in HE", "/country/US/?programme=HE")
    ]
    assert recommendation.status == "proposed" and recommendation.history.count() == 1
    change = Change.objects.filter(action="update").get()
    assert change.user == editor
    assert {"title", "priority", "source_events"} <= set(change.fields)
