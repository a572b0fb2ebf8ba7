"""The coordination pages at the size of a large coordination project: 20,000 people in the
directory, 200 events with 200 registrations each (40,000 in all), 300 recommendations, 500
logged activities. Each page's warm render is set beside the login page (a bare Django form
that reads no coordination data) rendered in the same run, and registering through bilat's
checked, locked path beside a bare insert of the same row."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import partial
from typing import Any

from common import median, p95, timings

PEOPLE = 20_000
EVENTS = 200
PER_EVENT = 200
RECOMMENDATIONS = 300
ACTIVITIES = 500
BASELINE = "/accounts/login/"
PAGES = (
    "/events/",
    "/events/{slug}/",
    "/recommendations/",
    "/recommendations.csv",
    "/api/events",
    "/api/people",
    "/coordination/people/",
    "/coordination/people/?q=ann&side=US",
    "/coordination/people.csv?consent=newsletter",
    "/coordination/events/{slug}/",
    "/coordination/events/{slug}/registrations.csv",
    "/coordination/workshops/",
    "/coordination/awareness/",
    "/coordination/changes/",
)


def fill(seed: int = 2024) -> str:
    """Write the coordination data in bulk (Django is set up and migrated); returns the slug
    of an event with a full attendance sheet."""
    from bilat.coordination.awareness.models import Activity, Reach
    from bilat.coordination.events.models import Event, Registration
    from bilat.coordination.recommendations.models import Recommendation
    from bilat.coordination.stakeholders.models import Consent, Organisation, Person, Theme

    rng = random.Random(seed)
    themes = Theme.objects.bulk_create(Theme(name=f"theme {i}") for i in range(40))
    sides = ("EU", "US", "other")
    sectors = ("university", "research", "sme", "company", "funding", "policy")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {i}",
            side=rng.choice(sides),
            sector=rng.choice(sectors),
            country=rng.choice(("DE", "US", "FR")),
        )
        for i in range(2_000)
    )
    people = Person.objects.bulk_create(
        Person(
            first_name=rng.choice(("Ann", "Ben", "Cy", "Dee")),
            last_name=f"Person{i}",
            email=f"person{i}@example.org",
            organisation=rng.choice(organisations),
            side=rng.choice(sides),
            country=rng.choice(("DE", "US", "FR")),
        )
        for i in range(PEOPLE)
    )
    Person.themes.through.objects.bulk_create(
        Person.themes.through(person_id=p.pk, theme_id=rng.choice(themes).pk) for p in people
    )
    now = date.today()
    Consent.objects.bulk_create(
        Consent(person=p, purpose=purpose, given=f"{now}T00:00:00Z", source="bench")
        for p in people
        for purpose in ("registration", "newsletter")[: rng.randint(1, 2)]
    )
    events = Event.objects.bulk_create(
        Event(
            slug=f"event-{i}",
            title=f"Event {i}",
            kind=rng.choice(("conference", "thematic_workshop", "funding_workshop", "webinar")),
            starts=now + timedelta(days=i - EVENTS // 2),
            ends=now + timedelta(days=i - EVENTS // 2),
            place=rng.choice(("EU", "US", "online")),
            city="Brussels",
            capacity=None,
        )
        for i in range(EVENTS)
    )
    Event.themes.through.objects.bulk_create(
        Event.themes.through(event_id=e.pk, theme_id=rng.choice(themes).pk) for e in events
    )
    Registration.objects.bulk_create(
        Registration(
            event=e,
            person=p,
            status="confirmed",
            attended=rng.random() < 0.7,
            source="bench",
            side=p.side,
            sector="university",
            country=p.country,
            organisation_type="HES",
        )
        for e in events
        for p in rng.sample(people, PER_EVENT)
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            title=f"Recommendation {i}",
            text="Why and how.",
            barrier="data",
            addressee="both",
            owner="Group",
            status="proposed",
        )
        for i in range(RECOMMENDATIONS)
    )
    activities = Activity.objects.bulk_create(
        Activity(kind="newsletter", title=f"Activity {i}", date=now - timedelta(days=i))
        for i in range(ACTIVITIES)
    )
    Reach.objects.bulk_create(
        Reach(activity=a, side="EU", sector="university", people=100, organisations=20)
        for a in activities
    )
    return str(events[EVENTS // 2].slug)


def render(runs: int) -> dict[str, Any]:
    """Warm median and p95 of each page beside the login page, and registering beside a
    bare insert; Django must be set up on an empty, migrated database."""
    from django.test import Client

    slug = fill()
    client = Client()
    client.force_login(_editor())
    base = timings(partial(client.get, BASELINE), runs)
    rows = []
    for page in PAGES:
        url = page.format(slug=slug)
        found = timings(partial(client.get, url), runs)
        rows.append(
            {
                "url": url,
                "status": client.get(url).status_code,
                "median_s": median(found),
                "p95_s": p95(found),
                "x_baseline": median(found) / median(base),
            }
        )
    return {
        "baseline": {"url": BASELINE, "median_s": median(base), "p95_s": p95(base)},
        "pages": rows,
        "registering": _registering(),
    }


def _editor() -> Any:
    from django.contrib.auth.models import User

    from bilat.coordination.roles import grant

    user = User.objects.create_user("bench-editor")
    grant(user, "editor")
    return user


def _registering(n: int = 200) -> dict[str, float]:
    from bilat.coordination.events.models import Event, Registration
    from bilat.coordination.events.operations import register
    from bilat.coordination.stakeholders.models import Person

    people = list(Person.objects.order_by("pk")[:n])
    checked = Event.objects.create(
        slug="bench-checked",
        title="Checked",
        kind="webinar",
        starts=date.today(),
        ends=date.today(),
        place="online",
        capacity=n // 2,
    )
    bare = Event.objects.create(
        slug="bench-bare",
        title="Bare",
        kind="webinar",
        starts=date.today(),
        ends=date.today(),
        place="online",
    )
    people_iter = iter(people)
    registered = timings(
        lambda: register(None, checked, next(people_iter), source="bench", notify=False), n - 1
    )
    bare_iter = iter(people)
    inserted = timings(
        lambda: Registration.objects.create(
            event=bare,
            person=next(bare_iter),
            source="bench",
            side="EU",
            sector="other",
            organisation_type="OTH",
        ),
        n - 1,
    )
    return {
        "register_median_ms": median(registered) * 1e3,
        "insert_median_ms": median(inserted) * 1e3,
        "x_insert": median(registered) / median(inserted),
        "waiting": float(checked.registrations.filter(status="waiting").count()),
    }
