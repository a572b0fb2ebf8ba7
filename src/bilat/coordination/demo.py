"""Example coordination data, so that a new installation shows the coordination side filled in.

Everything here is invented and marked as such: the people have names made up from common
first and last names and example.org addresses (a domain reserved for examples), the
organisations are fictional, and every event title ends in "(example)". The one real
organisation, the University of California, comes from the public CORDIS data with its PIC,
to show the link to the observatory; no person or event is attached to it. Never load this
into a real deployment.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from bilat.coordination.awareness.models import Activity, Reach
from bilat.coordination.events.models import (
    Event,
    Kind,
    Location,
    Question,
    Registration,
    Session,
    Status,
)
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.recommendations.operations import change_status, create_recommendation
from bilat.coordination.roles import grant
from bilat.coordination.stakeholders.models import Organisation, Person, Purpose, Theme
from bilat.coordination.stakeholders.operations import PersonData, give_consent, save_person

MARK = "(example)"
EDITOR = ("editor", "bilat-demo")  # user name and password of the demo editor
FIRST = (
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Frank",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Klara",
    "Luis",
    "Maya",
    "Noah",
    "Olga",
    "Paul",
    "Rosa",
    "Sam",
    "Tara",
    "Victor",
)
LAST = (
    "Alvarez",
    "Becker",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nowak",
    "Olsen",
    "Peters",
)
ORGANISATIONS = (
    ("Rhine Valley University (example)", "DE", "university"),
    ("Baltic Institute for Marine Research (example)", "FI", "research"),
    ("Lusitania Health Tech SME (example)", "PT", "sme"),
    ("Agency for Research Funding of Ruritania (example)", "BE", "funding"),
    ("Great Lakes State University (example)", "US", "university"),
    ("Pacific Coast Climate Lab (example)", "US", "research"),
    ("Bay Area Quantum Devices Inc. (example)", "US", "company"),
    ("Federal Science Policy Office (example)", "US", "policy"),
)
THEMES = (
    "computer and information sciences",
    "health sciences",
    "earth and related environmental sciences",
    "physical sciences",
    "clinical medicine",
)


def loaded() -> bool:
    return Event.objects.filter(title__endswith=MARK).exists()


@transaction.atomic
def load(today: date | None = None, *, seed: int = 2026) -> dict[str, int]:
    """Create the example data (once); returns what was created."""
    if loaded():
        return {}
    today = today or date.today()
    rng = random.Random(seed)
    _editor()
    for name in THEMES:
        Theme.objects.get_or_create(name=name)
    Organisation.objects.get_or_create(
        name="The Regents of the University of California",
        country="US",
        defaults={"side": "US", "sector": "university", "city": "Oakland", "pic": 999467340},
    )
    people = _people(rng)
    events = _events(today)
    _questions(events)
    past = [e for e in events if e.ends < today]
    for event in events:
        # Three more than the places of a limited upcoming event: its waiting list shows (an
        # event that has ended keeps none).
        wanted = (event.capacity or 30) + (3 if event.capacity and event not in past else 0)
        for person in rng.sample(people, k=min(len(people), wanted)):
            answers = {
                str(q.pk): rng.choice(q.choices() or ["yes", "no"]) for q in event.questions.all()
            }
            register(
                None,
                event,
                person,
                source="example data",
                notify=False,
                after_end=True,
                answers=answers,
            )
        if event in past:
            _backdate(event)
            confirmed = event.registrations.filter(status=Status.CONFIRMED)
            mark_attendance(None, event, {r.pk: rng.random() < 0.8 for r in confirmed})
    _agenda(events[0], people, rng)
    _recommendations(past)
    _awareness(today)
    _, met = _linked_workshop(rng)
    return {
        "people": len(people) + len(met),
        "events": len(events) + 1,
        "registrations": Registration.objects.count(),
    }


def _backdate(event: Event) -> None:
    """Date the registrations of a past event in the weeks before it, in the order they were
    made (they were made today, when the example data was loaded). Its own generator, so
    the rest of the example data stays as it was."""
    rng = random.Random(event.slug)
    day = datetime.combine(event.starts, time(9), tzinfo=UTC)
    ago = sorted((rng.uniform(2, 45) for _ in range(event.registrations.count())), reverse=True)
    for registration, days in zip(event.registrations.order_by("pk"), ago, strict=True):
        registration.created = day - timedelta(days=days)
        registration.save(update_fields=["created"])


# Real organisations of the bundled CORDIS data (public facts: name, country, PIC), to which
# invented people of the linked workshop belong. The pairs that meet there (Münster and MIT,
# Algarve and Washington) first share a Horizon Europe project of call year 2023; Hamburg and
# Harvard meet without a one-to-one meeting and do too; Copenhagen and California had worked
# together since 2021 and do not count as new.
REAL = (
    (999853691, "Universitaet Muenster", "DE", "Münster"),
    (999905101, "Universitaet Hamburg", "DE", "Hamburg"),
    (999991043, "Kobenhavns Universitet", "DK", "Copenhagen"),
    (999863003, "Universidade do Algarve", "PT", "Faro"),
    (998096827, "Massachusetts Institute of Technology", "US", "Cambridge"),
    (992204077, "President and Fellows of Harvard College", "US", "Cambridge"),
    (999467340, "The Regents of the University of California", "US", "Oakland"),
    (998096536, "University of Washington", "US", "Seattle"),
)
LINKED_DAY = date(2022, 6, 15)  # before the 2023 and 2024 calls of the bundled data
MEETINGS = ((999853691, 998096827), (999863003, 998096536), (999991043, 999467340))


def _linked_workshop(rng: random.Random) -> tuple[Event, list[Person]]:
    """A 2022 workshop attended by invented people of real CORDIS organisations, with a
    published meeting schedule and an answered feedback survey: the outcome sections then
    read real later projects."""
    from bilat.coordination.meetings.operations import add, plan_of

    event = _event(
        "materials-health-workshop-2022-example",
        "Thematic workshop: materials for health",
        Kind.THEMATIC,
        LINKED_DAY,
        Location.US,
        "Boston",
        "US",
        None,
        ("physical sciences", "health sciences"),
        "European and US universities working on materials for medicine.",
        "Three pairs of universities agreed to look at the 2023 calls together.",
        zone="America/New_York",  # in Boston
    )
    people: dict[int, list[Person]] = {}
    for n, (pic, name, country, city) in enumerate(REAL):
        organisation, _ = Organisation.objects.get_or_create(
            name=name if pic != 999467340 else "The Regents of the University of California",
            country=country,
            defaults={
                "side": "US" if country == "US" else "EU",
                "sector": "university",
                "city": city,
                "pic": pic,
            },
        )
        for k in range(2):
            first, last = FIRST[(n * 2 + k + 3) % len(FIRST)], LAST[(n * 3 + k) % len(LAST)]
            data = PersonData(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.m{n}{k}@example.org".lower(),
                organisation=organisation.name,
                country=country,
                sector="university",
                themes=["physical sciences"],
                consents=[Purpose.REGISTRATION, Purpose.DIRECTORY, Purpose.MEETINGS],
            )
            person, _ = save_person(None, data, source="example data")
            person.notes = "Example data: not a real person."
            person.save(update_fields=["notes"])
            register(None, event, person, source="example data", notify=False, after_end=True)
            people.setdefault(pic, []).append(person)
    _backdate(event)
    confirmed = event.registrations.all()
    mark_attendance(None, event, {r.pk: True for r in confirmed})
    plan = plan_of(event)
    for slot, (eu, us) in enumerate(MEETINGS):
        add(
            None, plan, eu=people[eu][0], us=people[us][0], slot=slot % 2, table=f"Table {slot + 1}"
        )
    # Published a week before the workshop, as it would have been, and without e-mails to
    # the invented addresses (it read "published" with the day `bilat demo` ran).
    plan.published = datetime.combine(LINKED_DAY - timedelta(days=7), time(9), tzinfo=UTC)
    plan.save(update_fields=["published"])
    _survey(event, rng)
    return event, [p for found in people.values() for p in found]


def _survey(event: Event, rng: random.Random) -> None:
    """The linked workshop's survey, sent, mostly answered (answers invented) and closed, so
    that its results show."""
    from bilat.coordination.feedback.models import Invitation, Response
    from bilat.coordination.feedback.operations import add_question, survey_of

    survey = survey_of(event)
    useful = add_question(
        None,
        survey,
        text="How useful was the workshop for finding partners?",
        type="rating",
        required=True,
    )
    apply = add_question(
        None,
        survey,
        text="Will you prepare a proposal with someone you met?",
        type="choice",
        options="Yes\nNo\nNot yet",
    )
    for registration in event.registrations.all():
        answered = rng.random() < 0.75
        Invitation.objects.create(survey=survey, registration=registration, answered=answered)
        if answered:
            Response.objects.create(
                survey=survey,
                side=registration.side,
                sector=registration.sector,
                answers={
                    str(useful.pk): rng.choice((3, 4, 4, 5, 5)),
                    str(apply.pk): rng.choice(("Yes", "Yes", "Not yet", "No")),
                },
            )
    # Sent the day after the workshop, reminded a week later and closed a week after that,
    # as it would have been.
    survey.sent = datetime.combine(LINKED_DAY + timedelta(days=1), time(9), tzinfo=UTC)
    survey.reminded = survey.sent + timedelta(days=7)
    survey.closed = survey.reminded + timedelta(days=7)
    survey.save(update_fields=["sent", "reminded", "closed"])


def _editor() -> None:
    user, created = User.objects.get_or_create(username=EDITOR[0])
    if created:
        user.set_password(EDITOR[1])
    grant(user, "editor")


def _people(rng: random.Random) -> list[Person]:
    people = []
    for i in range(36):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        name, country, sector = ORGANISATIONS[i % len(ORGANISATIONS)]
        data = PersonData(
            first_name=first,
            last_name=last,
            email=f"{first}.{last}.{i}@example.org".lower(),
            organisation=name,
            country=country,
            sector=sector,
            position=rng.choice(("Professor", "Researcher", "Programme officer", "CEO", "")),
            themes=rng.sample(THEMES, k=2),
            consents=[Purpose.REGISTRATION, Purpose.DIRECTORY],
        )
        person, _ = save_person(None, data, source="example data")
        person.notes = "Example data: not a real person."
        person.save(update_fields=["notes"])
        people.append(person)
    return people


def _event(
    slug: str,
    title: str,
    kind: str,
    starts: date,
    place: str,
    city: str,
    country: str,
    capacity: int | None,
    themes: tuple[str, ...],
    summary: str,
    outcome: str = "",
    zone: str = "Europe/Brussels",
    hours: tuple[time, time] = (time(9, 30), time(17)),
) -> Event:
    event = Event.objects.create(
        timezone=zone,
        start_time=hours[0],
        end_time=hours[1],
        online_link=f"https://meet.example.org/{slug}" if place == Location.ONLINE else "",
        slug=slug,
        title=f"{title} {MARK}",
        kind=kind,
        starts=starts,
        ends=starts + timedelta(days=1 if kind == Kind.CONFERENCE else 0),
        place=place,
        city=city,
        country=country,
        capacity=capacity,
        summary=f"Example data. {summary}",
        outcome=outcome,
    )
    event.themes.set(Theme.objects.filter(name__in=themes))
    event.organisers.set(Organisation.objects.filter(name__endswith=MARK)[:2])
    return event


def _events(today: date) -> list[Event]:
    return [
        _event(
            "eu-us-conference-example",
            "EU-US Research and Innovation Conference",
            Kind.CONFERENCE,
            today - timedelta(days=150),
            Location.EU,
            "Brussels",
            "BE",
            60,
            THEMES,
            "High-level conference of funders and researchers from both sides.",
            "Funders agreed to compare their rules on cost eligibility for US partners.",
            hours=(time(9), time(17, 30)),
        ),
        _event(
            "ai-health-workshop-example",
            "Thematic workshop: AI in health",
            Kind.THEMATIC,
            today - timedelta(days=90),
            Location.US,
            "Boston",
            "US",
            30,
            ("computer and information sciences", "clinical medicine"),
            "Researchers in AI for health met to find partners for Horizon Europe calls.",
            "Data sharing rules for health data are the main obstacle named.",
            zone="America/New_York",
        ),
        _event(
            "horizon-europe-funding-example",
            "Funding workshop: Horizon Europe for US researchers",
            Kind.FUNDING,
            today - timedelta(days=40),
            Location.ONLINE,
            "",
            "",
            None,
            ("physical sciences",),
            "How US organisations can take part in Horizon Europe and what they are paid.",
            zone="America/New_York",
            hours=(time(10), time(11, 30)),
        ),
        _event(
            "climate-oceans-workshop-example",
            "Thematic workshop: climate and oceans",
            Kind.THEMATIC,
            today + timedelta(days=30),
            Location.EU,
            "Helsinki",
            "FI",
            30,
            ("earth and related environmental sciences",),
            "Marine and climate researchers from both sides of the Atlantic.",
            zone="Europe/Helsinki",
        ),
        _event(
            "msca-webinar-example",
            "Webinar: Marie Sklodowska-Curie fellowships",
            Kind.WEBINAR,
            today + timedelta(days=60),
            Location.ONLINE,
            "",
            "",
            None,
            (),
            "Fellowships for researchers moving between the US and Europe.",
            hours=(time(16), time(17, 30)),
        ),
    ]


def _questions(events: list[Event]) -> None:
    """The upcoming workshop and the webinar ask their own questions on their forms."""
    by_slug = {e.slug: e for e in events}
    by_slug["climate-oceans-workshop-example"].questions.create(
        text="Which session interests you most?",
        type=Question.Type.CHOICE,
        options="Ocean observation\nClimate models\nCoastal adaptation",
        required=True,
    )
    by_slug["climate-oceans-workshop-example"].questions.create(
        text="May we introduce you to participants from the other side?",
        type=Question.Type.YES_NO,
        position=1,
    )
    by_slug["msca-webinar-example"].questions.create(
        text="Your career stage",
        type=Question.Type.CHOICE,
        options="Doctoral candidate\nPostdoctoral researcher\nSenior researcher",
    )


def _agenda(event: Event, people: list[Person], rng: random.Random) -> None:
    titles = (
        "Opening: the state of EU-US cooperation",
        "Panel: funding rules on both sides",
        "Parallel sessions by theme",
        "Conclusions and recommendations",
    )
    for i, title in enumerate(titles):
        session = Session.objects.create(
            event=event,
            day=event.starts,
            starts=time(9 + 2 * i),
            ends=time(10 + 2 * i, 30),
            title=title,
        )
        speakers = rng.sample(people, k=2)
        session.speakers.set(speakers)
        give_consent(None, speakers[0], [Purpose.SPEAKER], source="example data")


def _recommendations(events: list[Event]) -> None:
    written = [
        (
            "Publish a joint guide to cost eligibility for US partners",
            "US partners do not know which of their costs Horizon Europe pays. The Commission "
            "and US agencies should publish a joint guide.",
            "funding_rules",
            "both",
            "agency",
            "high",
            "EU Delegation to the US",
            "/country/US/?programme=HE",
            "endorsed",
        ),
        (
            "Agree on a template for sharing health data across the Atlantic",
            "Health researchers need a data sharing agreement that satisfies both GDPR and HIPAA.",
            "data",
            "both",
            "government",
            "high",
            "Joint working group on data",
            "",
            "in_progress",
        ),
        (
            "Announce Horizon Europe calls to US universities through their research offices",
            "Research offices of US universities rarely hear of open calls.",
            "awareness",
            "EU",
            "commission",
            "medium",
            "National Contact Points",
            "/explore/participations/?country=US",
            "implemented",
        ),
        (
            "Ease short-term visas for researchers attending project meetings",
            "Visa delays stop researchers from attending kick-off meetings.",
            "mobility",
            "US",
            "government",
            "low",
            "Science attachés",
            "",
            "proposed",
        ),
    ]
    for i, (title, text, barrier, addressee, funder, priority, owner, link, status) in enumerate(
        written
    ):
        recommendation = create_recommendation(
            None,
            Recommendation(
                title=f"{title} {MARK}",
                text=text,
                barrier=barrier,
                addressee=addressee,
                funder_type=funder,
                priority=priority,
                owner=owner,
            ),
            events=[events[i % len(events)]],
            evidence=[("US participation in Horizon Europe", link)] if link else [],
        )
        path = ["endorsed", "in_progress", "implemented"]
        for step in path[: path.index(status) + 1] if status in path else []:
            change_status(None, recommendation, step, "example data")


def _awareness(today: date) -> None:
    # The past events are in the log already: marking their attendance put them there.
    newsletter = Activity.objects.create(
        kind="newsletter", title=f"Newsletter no. 4 {MARK}", date=today - timedelta(days=20)
    )
    for side, sector, people in (
        ("EU", "university", 420),
        ("US", "university", 310),
        ("US", "funding", 45),
        ("EU", "sme", 120),
    ):
        Reach.objects.create(
            activity=newsletter, side=side, sector=sector, people=people, organisations=people // 6
        )
    talk = Activity.objects.create(
        kind="talk",
        title=f"Talk at a US research office meeting {MARK}",
        date=today - timedelta(days=70),
    )
    Reach.objects.create(activity=talk, side="US", sector="university", people=85, organisations=40)
