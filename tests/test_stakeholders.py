"""The stakeholder directory: people merged by e-mail, consent with its history, a person's
data exported whole and erased everywhere, and a change log that keeps no personal data."""

from __future__ import annotations

import json

import pytest

from bilat.coordination.audit.models import Change
from bilat.coordination.events.models import Registration, Session
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.events.statistics import event_statistics
from bilat.coordination.stakeholders.models import Consent, Organisation, Person
from bilat.coordination.stakeholders.operations import (
    PersonData,
    erase_person,
    export_person,
    save_person,
    set_consents,
)
from bilat.errors import CoordinationError

from factories import make_editor, make_event, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


def test_saving_a_known_email_updates_that_person_instead_of_adding_one():
    first, created = save_person(
        None, PersonData("Ada", "Example", "Ada@Example.org", country="Germany"), source="test"
    )
    again, created_again = save_person(
        None, PersonData("Ada", "Example-Smith", "ada@example.org "), source="test"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and Person.objects.count() == 1
    again.refresh_from_db()
    assert again.last_name == "Example-Smith"
    assert (again.email, again.country, again.side) == ("ada@example.org", "DE", "EU")


def test_side_and_organisation_follow_the_country():
    person = make_person(country="United States", organisation="Great Lakes University")
    assert (person.country, person.side) == ("US", "US")
    assert person.organisation == Organisation.objects.get(name="Great Lakes University")
    assert make_person(country="NO").side == "other"  # Norway: associated, not a member


def test_an_unknown_country_is_refused_and_nothing_is_written():
    with pytest.raises(CoordinationError, match="'Atlantis' is not a country"):
        save_person(None, PersonData("A", "B", "a@example.org", country="Atlantis"), source="t")
    assert not Person.objects.exists() and not Organisation.objects.exists()


def test_withdrawing_consent_keeps_the_dated_record():
    person = make_person(consents=("registration", "newsletter"))
    set_consents(None, person, ["registration"], source="test")
    assert person.consents() == {"registration"}
    newsletter = Consent.objects.get(person=person, purpose="newsletter")
    assert newsletter.withdrawn is not None and newsletter.withdrawn >= newsletter.given


def test_a_persons_export_holds_everything_about_them():
    person = make_person(consents=("registration", "speaker"), position="Professor")
    event = make_event(title="AI in health")
    register(None, event, person, source="test")
    Session.objects.create(event=event, day=event.starts, starts="09:00", title="Opening")
    event.sessions.get().speakers.add(person)
    data = json.loads(json.dumps(export_person(person)))
    assert data["person"]["email"] == person.email
    assert data["person"]["position"] == "Professor"
    assert {c["purpose"] for c in data["consents"]} == {"registration", "speaker"}
    assert [r["event"] for r in data["registrations"]] == ["AI in health"]
    assert data["talks"] == [
        {"event": "AI in health", "session": "Opening", "day": event.starts.isoformat()}
    ]


def test_erasure_removes_the_person_everywhere_and_keeps_the_event_counts():
    event = make_event()
    gone = make_person(country="US", consents=("registration", "speaker"))
    stays = make_person(country="DE")
    account = make_participant(gone)
    for person in (gone, stays):
        register(None, event, person, source="test")
    mark_attendance(None, event, {r.pk: True for r in event.registrations.all()})
    Session.objects.create(event=event, day=event.starts, starts="09:00", title="Talk")
    event.sessions.get().speakers.add(gone)
    before = event_statistics(event)

    erase_person(make_editor(), gone)

    assert not Person.objects.filter(pk=gone.pk).exists()
    assert not Consent.objects.filter(person_id=gone.pk).exists()
    assert not event.sessions.get().speakers.exists()
    assert not type(account).objects.filter(pk=account.pk).exists()
    after = event_statistics(event)
    assert (after.registered, after.attended) == (before.registered, before.attended) == (2, 2)
    assert after.breakdowns["side"] == before.breakdowns["side"]
    assert Registration.objects.filter(event=event, person__isnull=True).count() == 1


def test_the_change_log_names_fields_and_never_their_values():
    person = make_person("ada.lovelace@example.org", first_name="Ada", last_name="Lovelace")
    erase_person(None, person)
    logged = list(Change.objects.filter(model="stakeholders.Person"))
    assert [c.action for c in logged] == ["erase", "create"]
    assert "email" in logged[1].fields
    text = json.dumps([[c.fields, c.note, c.object_id] for c in Change.objects.all()])
    assert "lovelace" not in text.lower() and "Ada" not in text


def test_the_directory_filters_by_current_consent_and_exports_a_mailing_list():
    import csv
    import io

    from django.test import Client

    subscribed = make_person("ada@example.org", consents=("registration", "newsletter"))
    make_person("ben@example.org", consents=("registration",))
    left = make_person("cy@example.org", consents=("newsletter",))
    set_consents(None, left, [], source="test")  # withdrew: not on the list any more
    client = Client()
    client.force_login(make_editor())
    page = client.get("/coordination/people/", {"consent": "newsletter"}).content.decode()
    assert "ada@example.org" in page and "ben@example.org" not in page
    assert "cy@example.org" not in page
    text = client.get("/coordination/people.csv", {"consent": "newsletter"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["email"], r["consents"]) for r in rows] == [
        (subscribed.email, "newsletter; registration")
    ]
