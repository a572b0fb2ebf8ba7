"""One-to-one meetings at a workshop: proposed from the organisations' CORDIS track record
(partner search, on the bundled real data) or shared themes, only between people who agreed;
adjusted and published by editors; each participant sees and gets their own meetings only;
erasure removes a person's meetings."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from bilat.bridges import search
from bilat.coordination.events.operations import register
from bilat.coordination.meetings import operations
from bilat.coordination.meetings.models import Meeting
from bilat.coordination.meetings.proposals import candidates, proposals
from bilat.coordination.stakeholders.operations import erase_person
from bilat.errors import CoordinationError
from bilat.serving import warehouse

from factories import confirm_pic, make_editor, make_event, make_participant, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
CNRS, UC = 999997930, 999467340  # real PICs of the bundled Horizon Europe data
MATCHED = ("registration", "meetings")


@pytest.fixture
def workshop(site_warehouse):
    event = make_event(title="Health workshop")
    people = {
        "cnrs": confirm_pic(make_person(country="FR", consents=MATCHED, first_name="Claire",
                                      organisation="CNRS"), CNRS),
        "uc": confirm_pic(make_person(country="US", consents=MATCHED, first_name="Ulysses",
                                    organisation="University of California"), UC),
        "de": make_person(country="DE", consents=MATCHED, first_name="Dora",
                          themes=["health sciences"]),
        "us": make_person(country="US", consents=MATCHED, first_name="Usha",
                          themes=["health sciences", "clinical medicine"]),
        "shy": make_person(country="US", first_name="Shy", themes=["health sciences"]),
    }  # fmt: skip
    for person in people.values():
        register(None, event, person, source="test", notify=False)
    return event, people


def test_only_people_who_agreed_are_matched_across_the_atlantic(workshop):
    event, _ = workshop
    eu, us = candidates(event)
    assert {p.first_name for p in eu} == {"Claire", "Dora"}
    assert {p.first_name for p in us} == {"Ulysses", "Usha"}


def test_proposals_give_the_track_record_or_shared_themes_as_reasons(workshop):
    event, _ = workshop
    found = {(p.eu.first_name, p.us.first_name): p for p in proposals(event)}
    expected = search.for_organisation(warehouse(), UC, side="EU", limit=search.MAXIMUM)
    rank = next(int(r["rank"]) for r in expected.rows if r["pic"] == CNRS)
    record = found[("Claire", "Ulysses")]
    assert record.reasons[0] == (
        f"CORDIS track record: CNRS is suggestion no. {rank} of partner search for "
        "University of California"
    )
    assert record.reasons[1] == next(r for r in expected.rows if r["pic"] == CNRS)["reasons"][0]
    assert found[("Dora", "Usha")].reasons == ("Both work on health sciences",)
    # Nothing in common, no record between them: no meeting proposed.
    assert ("Claire", "Usha") not in found and ("Dora", "Ulysses") not in found
    assert record.score > found[("Dora", "Usha")].score


def test_the_schedule_keeps_each_person_and_table_to_one_meeting_a_slot(workshop):
    event, people = workshop
    plan = operations.plan_of(event)
    assert operations.propose(None, plan) == 2
    meetings = list(plan.meetings.all())
    assert [m.slot for m in meetings] == [0, 0]
    assert sorted(m.table for m in meetings) == ["Table 1", "Table 2"]
    first, second = sorted(meetings, key=lambda m: m.table)
    with pytest.raises(CoordinationError, match="Table 2 is taken"):
        operations.move(None, first, slot=0, table="Table 2")
    with pytest.raises(CoordinationError, match="has another meeting"):
        operations.add(None, plan, eu=first.eu, us=second.us, slot=0, table="Room B")
    with pytest.raises(CoordinationError, match="agreed to be matched"):
        operations.add(None, plan, eu=first.eu, us=people["shy"], slot=1, table="Room B")
    added = operations.add(None, plan, eu=first.eu, us=second.us, slot=1, table="Room B")
    assert operations.move(None, first, slot=2, table="Room C")
    # Proposing again keeps what editors moved and added.
    operations.propose(None, plan)
    kept = {(m.eu_id, m.us_id): (m.slot, m.table) for m in plan.meetings.all()}
    assert kept[(first.eu_id, first.us_id)] == (2, "Room C")
    assert kept[(added.eu_id, added.us_id)] == (1, "Room B")


def test_published_meetings_reach_their_participants_and_nobody_else(
    workshop, django_capture_on_commit_callbacks
):
    event, people = workshop
    plan = operations.plan_of(event)
    operations.propose(None, plan)
    claire = Client()
    claire.force_login(make_participant(people["cnrs"]))
    assert "My meetings" not in claire.get("/me/").content.decode()  # not published yet
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert operations.publish(None, plan) == 4
    letters = {m.to[0]: m.body for m in mail.outbox}
    assert set(letters) == {p.email for k, p in people.items() if k != "shy"}
    assert "Ulysses" in letters[people["cnrs"].email]
    assert "Usha" not in letters[people["cnrs"].email]
    page = claire.get("/me/").content.decode()
    assert "My meetings" in page and "Ulysses" in page and "University of California" in page
    assert "Usha" not in page and "Dora" not in page
    shy = Client()
    shy.force_login(make_participant(people["shy"]))
    assert "My meetings" not in shy.get("/me/").content.decode()


def test_only_editors_see_and_change_the_schedule(workshop):
    event, people = workshop
    url = f"/coordination/events/{event.slug}/meetings/"
    participant = Client()
    participant.force_login(make_participant(people["uc"]))
    assert participant.get(url).status_code == 403
    assert participant.post(url, {"propose": "1"}).status_code == 403
    assert Client().get(url).status_code == 302
    editor = Client()
    editor.force_login(make_editor())
    answer = editor.post(url, {"propose": "1"}, follow=True).content.decode()
    assert "The schedule holds 2 meetings." in answer and "CORDIS track record" in answer
    meeting = Meeting.objects.get(eu=people["de"])
    saved = editor.post(
        url, {"save": "1", f"slot-{meeting.pk}": "3", f"table-{meeting.pk}": "Room 7"}
    )
    assert saved.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.slot, meeting.table, meeting.proposed) == (3, "Room 7", False)


def test_erasing_a_person_removes_their_meetings(workshop):
    event, people = workshop
    plan = operations.plan_of(event)
    operations.propose(None, plan)
    erase_person(None, people["cnrs"])
    assert [m.eu.first_name for m in plan.meetings.all()] == ["Dora"]


def test_an_empty_schedule_points_to_the_form_below_only_when_there_is_one(workshop):
    editor = Client()
    editor.force_login(make_editor())
    event, _ = workshop
    page = editor.get(f"/coordination/events/{event.slug}/meetings/").content.decode()
    assert "add one below" in page and "Add a meeting" in page
    lonely = make_event(title="Nobody matched yet")
    register(None, lonely, make_person(country="US", consents=MATCHED), source="t", notify=False)
    page = editor.get(f"/coordination/events/{lonely.slug}/meetings/").content.decode()
    assert "below" not in page and "Add a meeting" not in page
    assert "there are 0 on the EU side and 1 on the US side" in page
