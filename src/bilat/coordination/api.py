"""The coordination side of the JSON API: published events and the public recommendations
register for everyone; the stakeholder directory for signed-in editors only (401 for an
anonymous call, 403 for anyone else). Nothing about a registrant is ever in a public answer:
an event gives counts of places, not names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from bilat.coordination.events.models import Event
from bilat.coordination.events.operations import places_left, with_places
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.roles import is_editor
from bilat.coordination.stakeholders.models import Person

router = Router(tags=["coordination"])


class EventOut(Schema):
    slug: str
    title: str
    kind: str
    starts: date
    ends: date
    timezone: str = Field(description="IANA zone of the event's times")
    start: datetime | None = Field(description="Start in the event's zone; null: all day")
    end: datetime | None = Field(description="End in the event's zone; null: all day")
    place: str
    city: str
    country: str
    themes: list[str]
    summary: str
    outcome: str
    registration_open: bool
    places_left: int | None


class RecommendationOut(Schema):
    reference: str
    title: str
    text: str
    barrier: str
    addressee: str
    funder_type: str
    priority: str
    owner: str
    status: str
    source_events: list[str]
    evidence: list[str]


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    organisation: str | None
    side: str
    country: str
    consents: list[str]

    @staticmethod
    def resolve_organisation(person: Person) -> str | None:
        return person.organisation.name if person.organisation else None

    @staticmethod
    def resolve_consents(person: Person) -> list[str]:
        return sorted(person.consents())


def _event(e: Event) -> EventOut:
    return EventOut(
        slug=e.slug,
        title=e.title,
        kind=e.kind,
        starts=e.starts,
        ends=e.ends,
        timezone=e.timezone,
        start=None if e.all_day else e.start_at,
        end=None if e.all_day else e.end_at,
        place=e.place,
        city=e.city,
        country=e.country,
        themes=[t.name for t in e.themes.all()],
        summary=e.summary,
        outcome=e.outcome,
        registration_open=e.registration_open,
        places_left=places_left(e),
    )


class Page(Schema):
    """How much of a list to answer: at most 1,000 items at once."""

    limit: int = Field(100, ge=1, le=1000, description="items in this answer (1-1000)")
    offset: int = Field(0, ge=0, le=10_000_000, description="items to skip")


class EventsOut(Schema):
    count: int
    items: list[EventOut]


@router.get("/events", response=EventsOut, summary="Published events, 100 a page")
def events(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    found = Event.objects.published().order_by("starts", "pk")
    shown = with_places(found.prefetch_related("themes"))[page.offset : page.offset + page.limit]
    return {"count": found.count(), "items": [_event(e) for e in shown]}


@router.get("/events/{slug}", response=EventOut, summary="One published event")
def event(request: HttpRequest, slug: str) -> EventOut:
    return _event(get_object_or_404(Event.objects.published(), slug=slug))


class RecommendationsOut(Schema):
    count: int
    items: list[RecommendationOut]


@router.get(
    "/recommendations",
    response=RecommendationsOut,
    summary="The recommendations register, 100 a page",
)
def recommendations(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    found = Recommendation.objects.public()
    shown = found.prefetch_related("evidence")[page.offset : page.offset + page.limit]
    return {"count": found.count(), "items": _recommendations(shown)}


def _recommendations(found: Iterable[Recommendation]) -> list[RecommendationOut]:
    return [
        RecommendationOut(
            reference=r.reference,
            title=r.title,
            text=r.text,
            barrier=r.barrier,
            addressee=r.addressee,
            funder_type=r.funder_type,
            priority=r.priority,
            owner=r.owner,
            status=r.status,
            source_events=[e.slug for e in r.public_sources()],
            evidence=[e.link for e in r.evidence.all()],
        )
        for r in found
    ]


class PeopleOut(Schema):
    count: int
    items: list[PersonOut]


@router.get(
    "/people",
    response=PeopleOut,
    auth=django_auth,
    summary="The stakeholder directory (editors only), 100 people a page",
)
def people(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    if not is_editor(request.user):
        raise HttpError(403, "Only editors of the coordination team can read the directory.")
    found = Person.objects.select_related("organisation").prefetch_related("consent_set")
    shown = found[page.offset : page.offset + page.limit]
    return {"count": found.count(), "items": list(shown)}  # validated as PeopleOut
