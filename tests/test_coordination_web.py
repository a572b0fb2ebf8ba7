"""The coordination pages and API as each role sees them: the public never sees personal
data (pages, feed, API), participants see and change only their own, editors the rest;
every edit through the admin is logged; forms are protected against cross-site requests."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from bilat.coordination import demo
from bilat.coordination.audit.models import Change
from bilat.coordination.events.models import Event, Registration
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.stakeholders.models import Organisation, Person

from factories import (
    event_admin_form,
    link_in,
    make_editor,
    make_event,
    make_participant,
    make_person,
)

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
PUBLIC = [
    "/",
    "/events/",
    "/events/calendar.ics",
    "/recommendations/",
    "/recommendations.csv",
    "/recommendations.json",
    "/api/events",
    "/api/recommendations",
]
EDITORS_ONLY = [
    "/coordination/",
    "/coordination/people/",
    "/coordination/import/",
    "/coordination/workshops/",
    "/coordination/awareness/",
    "/coordination/changes/",
    "/coordination/people.csv",
]


@pytest.fixture
def demo_data(site_warehouse):
    demo.load()


def public_pages(client: Client) -> dict[str, str]:
    urls = [*PUBLIC]
    for event in Event.objects.filter(published=True):
        urls += [
            f"/events/{event.slug}/",
            f"/events/{event.slug}/register/",
            f"/events/{event.slug}.ics",
            f"/api/events/{event.slug}",
        ]
    recommendations = Recommendation.objects.filter(published=True).values_list("pk", flat=True)
    urls += [f"/recommendations/{pk}/" for pk in recommendations]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def test_an_anonymous_visitor_sees_no_personal_data_anywhere(demo_data):
    people = list(Person.objects.all())
    assert len(people) == 52
    # Registrations waiting for their address to confirm them: a known person's (with the
    # speaker consent ticked) and a new one's.
    event = Event.objects.filter(published=True, ends__gte=date.today()).first()
    known = Person.objects.exclude(registrations__event=event).first()
    for email in (known.email, "pending.person@example.org"):
        form = {
            "first_name": "Pending",
            "last_name": "Personname",
            "email": email,
            "sector": "other",
            "country": "DE",
            "consents": ["registration", "speaker"],
        }
        Client().post(f"/events/{event.slug}/register/", form)
    assert event.pending.count() == 2
    pages = public_pages(Client())
    for url, text in pages.items():
        for person in people:
            assert person.email not in text, url
            assert person.last_name + "," not in text, url
        assert not re.search(r"[\w.]+@example\.org", text), url
        assert "Personname" not in text, url
    # The one speaker who agreed to be named is named, and no other speaker.
    agenda = pages["/events/eu-us-conference-example/"]
    named = [p for p in people if p.talks.exists() and "speaker" in p.consents()]
    unnamed = [p for p in people if p.talks.exists() and "speaker" not in p.consents()]
    assert named and unnamed
    assert all(str(p) in agenda for p in named)
    assert not any(str(p) in agenda for p in unnamed)


def test_the_directory_api_answers_editors_only(demo_data):
    assert Client().get("/api/people").status_code == 401
    participant = Client()
    participant.force_login(make_participant(make_person()))
    assert participant.get("/api/people").status_code == 403
    editor = Client()
    editor.force_login(make_editor())
    first = json.loads(editor.get("/api/people", {"limit": 30}).content)
    rest = json.loads(editor.get("/api/people", {"limit": 30, "offset": 30}).content)
    assert first["count"] == rest["count"] == Person.objects.count() == 53
    people = first["items"] + rest["items"]
    assert sorted(p["email"] for p in people) == sorted(
        Person.objects.values_list("email", flat=True)
    )
    assert all(p["email"].endswith("@example.org") for p in people)
    assert {"registration", "directory"} <= set(people[0]["consents"])


def test_a_refused_or_missing_page_says_so_in_the_sites_layout_and_reveals_nothing():
    """A participant at an editors' page gets the site's page with a sentence and a way to
    their own data, the same for an event that exists as for one that does not; a missing
    event or registration gets the plain "no page" sentence, not Django's model name."""
    participant = Client()
    participant.force_login(make_participant(make_person()))
    event = make_event(title="Known workshop")
    refused = [
        participant.get(url)
        for url in (
            "/coordination/",
            f"/coordination/events/{event.slug}/",
            "/coordination/events/nope/",
        )
    ]
    assert {r.status_code for r in refused} == {403}
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # new on each page
    bodies = {token.sub("", r.content.decode()) for r in refused}
    assert len(bodies) == 1  # the same page whether the event exists or not
    body = bodies.pop()
    assert '<header class="site' in body and "This page is for the coordination team" in body
    assert 'href="/me/"' in body and "Known workshop" not in body
    for url in ("/events/nope/", "/me/registrations/999999/certificate.pdf"):
        missing = participant.get(url)
        assert missing.status_code == 404
        text = missing.content.decode()
        assert '<header class="site' in text and f"There is no page at {url}." in text
        assert "matches the given query" not in text


@pytest.mark.parametrize("url", EDITORS_ONLY)
def test_editor_pages_send_visitors_to_log_in_and_refuse_participants(url):
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    participant = Client()
    participant.force_login(make_participant(make_person()))
    assert participant.get(url).status_code == 403
    editor = Client()
    editor.force_login(make_editor())
    assert editor.get(url).status_code == 200


def test_the_public_form_registers_once_the_address_confirms_and_refuses_cleanly(
    django_capture_on_commit_callbacks,
):
    event = make_event(capacity=2, waiting_list=False)
    url = f"/events/{event.slug}/register/"
    form = {
        "first_name": "Ada",
        "last_name": "Example",
        "email": "Ada@example.org",
        "organisation": "Rhine Valley University",
        "sector": "university",
        "country": "DE",
        "consents": ["registration", "newsletter"],
    }
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, form, follow=True).content.decode()
    assert "A message is on its way to ada@example.org" in sent
    assert not Person.objects.exists() and not Registration.objects.exists()
    [message] = mail.outbox
    assert (message.to, message.subject) == (
        ["ada@example.org"],
        f"Confirm your registration: {event.title}",
    )
    link = link_in(message)
    assert "Confirm my registration" in client.get(link).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link, follow=True).content.decode()
    assert f"You are registered for {event.title}." in done
    ada = Person.objects.get()
    assert (ada.email, ada.consents()) == ("ada@example.org", {"registration", "newsletter"})
    assert client.post(link).status_code == 400  # a link confirms once
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, form, follow=True).content.decode()
    assert "A message is on its way to ada@example.org" in again  # the same answer
    assert mail.outbox[-1].subject == f"Already registered: {event.title}"
    no_consent = client.post(url, form | {"email": "cy@example.org", "consents": []})
    assert "Registering needs your consent" in no_consent.content.decode()
    register(None, event, make_person("dan@example.org"), source="test")
    full = client.post(url, form | {"email": "ben@example.org"})
    assert "is full (2 places) and has no waiting list" in full.content.decode()
    assert 'name="email"' not in client.get(url).content.decode()  # nor offered any more
    assert sorted(Person.objects.values_list("email", flat=True)) == [
        "ada@example.org",
        "dan@example.org",
    ]
    assert Registration.objects.count() == 2


def test_a_participant_sees_changes_exports_and_erases_their_own_data():
    person = make_person(
        "ada@example.org", consents=("registration", "newsletter"), position="Researcher"
    )
    other = make_person("ben@example.org")
    register_for = make_event()

    register(None, register_for, person, source="test")
    client = Client()
    client.force_login(make_participant(person))
    page = client.get("/me/").content.decode()
    assert "ada@example.org" in page and register_for.title in page
    assert "ben@example.org" not in page
    form = {
        "first_name": "Ada",
        "last_name": "Example",
        "email": "ignored@example.org",
        "organisation": "",
        "sector": "other",
        "country": "FR",
        "consents": ["registration"],
    }
    client.post("/me/", form)
    person.refresh_from_db()
    assert (person.country, person.email, person.consents()) == (
        "FR",
        "ada@example.org",
        {"registration"},
    )
    # Fields emptied on one's own page are cleared (an import would leave them).
    assert (person.position, person.organisation) == ("", None)
    assert 'name="email" value="ada@example.org"' in client.get("/me/").content.decode()
    exported = json.loads(client.get("/me/data.json").content)
    assert exported["person"]["email"] == "ada@example.org"
    assert [r["event"] for r in exported["registrations"]] == [register_for.title]
    client.post("/me/erase/", {"confirm": "yes"})
    assert not Person.objects.filter(email="ada@example.org").exists()
    assert not User.objects.filter(username="ada@example.org").exists()
    assert Person.objects.get() == other
    assert Registration.objects.get().person is None


def test_admin_edits_are_written_to_the_change_log():
    client = Client()
    editor = make_editor()
    client.force_login(editor)
    data = event_admin_form()
    add = client.post("/admin/events/event/add/", data | {"ends": "2026-05-01"})
    assert "The event ends (2026-05-01) before it starts (2026-06-01)." in add.content.decode()
    assert not Event.objects.exists() and not Change.objects.exists()
    assert client.post("/admin/events/event/add/", data).status_code == 302
    event = Event.objects.get()
    client.post(f"/admin/events/event/{event.pk}/change/", data | {"city": "Leuven"})
    logged = [(c.action, c.user, c.fields) for c in Change.objects.order_by("id")]
    assert logged[0][:2] == ("create", editor)
    assert logged[1] == ("update", editor, ["city"])


def test_forms_refuse_a_post_without_the_csrf_token():
    event = make_event()
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/events/{event.slug}/register/", {"email": "a@example.org"})
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_a_form_refused_by_the_csrf_check_says_it_expired_on_the_sites_page():
    """A form left open past the session's end (here: a participant's cancel form posted with
    a token of a session that is gone) is refused with 403 as before, on the site's page that
    says the form expired and leads back to it, not Django's English default."""
    event = make_event()
    person = make_person("ada@example.org")
    mine = register(None, event, person, source="test")
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_participant(person))
    page = client.get("/me/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    client.cookies.pop("csrftoken", None)  # the session, and its cookie, ended meanwhile
    response = client.post(
        f"/me/registrations/{mine.pk}/cancel/",
        {"csrfmiddlewaretoken": token.group(1)},
        HTTP_REFERER="http://testserver/me/",
    )
    assert response.status_code == 403
    text = response.content.decode()
    assert "This form has expired" in text and "CSRF verification failed" not in text
    assert "reload its page and send it again" in text
    assert '<a href="http://testserver/me/">Back to the form (reload it there)</a>' in text
    assert '<header class="site"' in text  # the site's own page
    mine.refresh_from_db()
    assert mine.status == "confirmed"
    # A Referer of another site is not offered as the way back.
    elsewhere = client.post(
        f"/me/registrations/{mine.pk}/cancel/", HTTP_REFERER="https://evil.example/"
    )
    assert elsewhere.status_code == 403 and "evil.example" not in elsewhere.content.decode()


def test_a_name_changed_on_me_is_the_accounts_name_too():
    """The account signing up made carries the person's names; changing one's first name on
    /me/ changes the account's too, so /me/data.json's account and person agree."""
    person = make_person("ada@example.org", first_name="Ada", last_name="Example")
    user = make_participant(person)
    User.objects.filter(pk=user.pk).update(first_name="Ada", last_name="Example")  # as signing up
    client = Client()
    client.force_login(user)
    form = {
        "first_name": "Adeline",
        "last_name": "Example",
        "email": "ada@example.org",
        "organisation": "",
        "sector": "other",
        "country": "FR",
        "consents": ["registration"],
    }
    assert client.post("/me/", form).status_code == 302
    exported = json.loads(client.get("/me/data.json").content)
    assert exported["person"]["first_name"] == "Adeline"
    assert (exported["account"]["first_name"], exported["account"]["last_name"]) == (
        "Adeline",
        "Example",
    )


def test_opening_a_buttons_address_answers_405_on_the_sites_page():
    """GET on the address that only the Cancel button sends answers 405 (Allow: POST) as
    before, now on the site's page saying so and leading back to My data, not an empty body."""
    event = make_event()
    person = make_person("ada@example.org")
    mine = register(None, event, person, source="test")
    client = Client()
    client.force_login(make_participant(person))
    response = client.get(f"/me/registrations/{mine.pk}/cancel/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    text = response.content.decode()
    assert "This address is a button&#x27;s, not a page" in text
    assert '<a href="/me/">Back to My data</a>' in text
    mine.refresh_from_db()
    assert mine.status == "confirmed"


def test_editors_download_an_events_registrations_and_erased_people_stay_anonymous():
    from bilat.coordination.stakeholders.operations import erase_person

    event = make_event(capacity=1)
    ada = make_person("ada@example.org", first_name="Ada", last_name="Example")
    gone = make_person("ben@example.org", country="DE")
    register(None, event, ada, source="test")
    register(None, event, gone, source="test")
    erase_person(None, gone)
    client = Client()
    client.force_login(make_editor())
    text = client.get(f"/coordination/events/{event.slug}/registrations.csv").content.decode()
    rows = [line.split(",") for line in text.splitlines()]
    assert rows[0][:3] == ["first_name", "last_name", "email"]
    assert [(r[1], r[2], r[5], r[7]) for r in rows[1:]] == [
        ("Example", "ada@example.org", "US", "confirmed"),
        ("(erased)", "", "EU", "waiting"),
    ]


def test_participants_cancel_their_own_registrations_only():

    event = make_event(capacity=1)
    mine = register(None, event, make_person("ada@example.org"), source="test")
    waiting = register(None, event, make_person("ben@example.org"), source="test")
    client = Client()
    client.force_login(make_participant(Person.objects.get(email="ben@example.org")))
    assert client.post(f"/me/registrations/{mine.pk}/cancel/").status_code == 404
    client.force_login(make_participant(Person.objects.get(email="ada@example.org")))
    client.post(f"/me/registrations/{mine.pk}/cancel/")
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == ("cancelled", "confirmed")


def test_each_cancel_button_on_my_data_names_its_event():
    """A screen reader lists a page's buttons by name: three buttons all named 'Cancel'
    would not say which registration each cancels."""
    ada = make_person("ada@example.org")
    for title in ("Grid workshop", "Ocean info day"):
        register(None, make_event(title=title), ada, source="test", notify=False)
    client = Client()
    client.force_login(make_participant(ada))
    page = client.get("/me/").content.decode()
    buttons = re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)
    named = sorted(re.sub(r"<[^>]+>", "", b) for b in buttons if b.startswith("Cancel"))
    assert named == [
        "Cancel my registration for Grid workshop",
        "Cancel my registration for Ocean info day",
    ]


def test_a_visitors_form_cannot_rewrite_a_known_persons_record(
    django_capture_on_commit_callbacks,
):
    known = make_person("ada@example.org", first_name="Ada", last_name="Lovelace", country="GB")
    event = make_event()
    form = {
        "first_name": "Mallory",
        "last_name": "Intruder",
        "email": "ada@example.org",
        "organisation": "Somewhere Else",
        "sector": "other",
        "country": "US",
        "consents": ["registration"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"/events/{event.slug}/register/", form)
    assert not event.registrations.exists()
    # Ada opens the link: she is registered, and her record stays as she wrote it.
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(link_in(mail.outbox[0]))
    known.refresh_from_db()
    assert (known.first_name, known.last_name, known.country) == ("Ada", "Lovelace", "GB")
    assert event.registrations.get().person == known
    assert not Organisation.objects.filter(name="Somewhere Else").exists()
    participant = Client()
    participant.force_login(make_participant(known))
    second = make_event()
    participant.post(f"/events/{second.slug}/register/", form | {"first_name": "Ada"})
    known.refresh_from_db()
    assert (known.last_name, known.country) == ("Intruder", "US")  # their own record
    assert second.registrations.get().person == known


def test_registrants_get_an_email_saying_where_they_stand(
    django_capture_on_commit_callbacks, settings
):

    settings.BILAT_BASE_URL = "https://bilat.example.org/site"
    event = make_event(title="Oceans workshop", capacity=1)
    client = Client()
    form = {
        "first_name": "Ada",
        "last_name": "Example",
        "organisation": "",
        "sector": "other",
        "country": "DE",
        "consents": ["registration"],
    }
    for email in ("ada@example.org", "ben@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/events/{event.slug}/register/", form | {"email": email})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(link_in(mail.outbox[-1]))
    _, confirmed, _, waiting = mail.outbox
    assert (confirmed.to, confirmed.subject) == (["ada@example.org"], "Registered: Oceans workshop")
    assert f"https://bilat.example.org/site/events/{event.slug}/" in confirmed.body
    [(name, ics, kind)] = confirmed.attachments
    assert (name, kind) == (f"{event.slug}.ics", "text/calendar")
    assert "SUMMARY:Oceans workshop" in ics
    assert (waiting.to, waiting.subject) == (["ben@example.org"], "Waiting list: Oceans workshop")
    assert waiting.attachments == []
    participant = Client()
    participant.force_login(make_participant(Person.objects.get(email="ada@example.org")))
    mine = Registration.objects.get(person__email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        participant.post(f"/me/registrations/{mine.pk}/cancel/")
    promoted = mail.outbox[-1]
    assert (promoted.to, promoted.subject) == (["ben@example.org"], "Registered: Oceans workshop")


def test_a_robot_that_fills_the_hidden_box_is_refused():
    event = make_event()
    form = {
        "first_name": "Spam",
        "last_name": "Bot",
        "email": "bot@example.org",
        "organisation": "",
        "sector": "other",
        "country": "DE",
        "consents": ["registration"],
        "website": "http://spam.example",
    }
    page = Client().post(f"/events/{event.slug}/register/", form)
    assert "This form could not be sent" in page.content.decode()
    assert not Person.objects.exists() and not Registration.objects.exists()


def test_participants_download_their_own_certificates_only():
    """/me/ lists past registrations too, with the certificate of those attended; another
    person's certificate answers 404, as one that does not exist."""
    day = date.today() - timedelta(days=20)
    event = make_event(title="Past workshop", starts=day, ends=day)
    ada = register(None, event, make_person("ada@example.org"), source="t", after_end=True)
    ben = register(None, event, make_person("ben@example.org"), source="t", after_end=True)
    mark_attendance(None, event, {ada.pk: True, ben.pk: True})
    client = Client()
    client.force_login(make_participant(Person.objects.get(email="ada@example.org")))
    page = client.get("/me/").content.decode()
    assert "Past workshop" in page and f"/me/registrations/{ada.pk}/certificate.pdf" in page
    mine = client.get(f"/me/registrations/{ada.pk}/certificate.pdf")
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    assert client.get(f"/me/registrations/{ben.pk}/certificate.pdf").status_code == 404
    mark_attendance(None, event, {ada.pk: False})
    assert client.get(f"/me/registrations/{ada.pk}/certificate.pdf").status_code == 404
    assert Client().get(f"/me/registrations/{ada.pk}/certificate.pdf").status_code == 302


def test_the_events_and_recommendations_api_answer_a_page_at_a_time():
    for n in range(3):
        make_event(slug=f"paged-{n}", title=f"Paged {n}", starts=date(2026, 7, 1 + n))
    first = Client().get("/api/events", {"limit": 2}).json()
    assert first["count"] == 3 and [e["slug"] for e in first["items"]] == ["paged-0", "paged-1"]
    rest = Client().get("/api/events", {"limit": 2, "offset": 2}).json()
    assert [e["slug"] for e in rest["items"]] == ["paged-2"]
    assert Client().get("/api/events", {"limit": 1001}).status_code == 400
    for n in range(3):
        Recommendation.objects.create(
            title=f"R{n}", text="t", barrier="mobility", addressee="US", owner="o", published=n < 2
        )
    answer = Client().get("/api/recommendations", {"limit": 1, "offset": 1}).json()
    assert answer["count"] == 2 and [r["title"] for r in answer["items"]] == ["R0"]
