"""The feedback survey: invitations to attendees only, one anonymous answer per signed link,
a reminder to those who have not answered, results by side and sector in the statistics and
the outcome report; forged and reused links refused; no answer linkable to its person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client

from bilat.coordination.events import report
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.feedback import operations
from bilat.coordination.feedback.models import Invitation, Question, Response
from bilat.coordination.feedback.results import results
from bilat.coordination.stakeholders.operations import erase_person, export_person
from bilat.errors import CoordinationError

from factories import link_in, make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


@pytest.fixture
def held(django_capture_on_commit_callbacks):
    """A workshop that ended: a US university person and a German SME person came, a third
    registrant did not; a survey of a rating, a list and a text question, sent."""
    day = date.today() - timedelta(days=2)
    event = make_event(title="Oceans workshop", starts=day, ends=day)
    people = [
        make_person(country="US", sector="university", first_name="Ulla"),
        make_person(country="DE", sector="sme", first_name="Dirk"),
        make_person(country="FR", sector="research", first_name="Absent"),
    ]
    registrations = [register(None, event, p, source="test", notify=False, after_end=True)
                     for p in people]  # fmt: skip
    mark_attendance(None, event, {registrations[0].pk: True, registrations[1].pk: True,
                                  registrations[2].pk: False})  # fmt: skip
    survey = operations.survey_of(event)
    rating = operations.add_question(None, survey, text="How useful was it?", type="rating",
                                     required=True)  # fmt: skip
    choice = operations.add_question(None, survey, text="Will you apply together?",
                                     type="choice", options="Yes\nNo\nMaybe")  # fmt: skip
    text = operations.add_question(None, survey, text="What should change?", type="text")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert operations.send(None, survey) == 2
    return event, survey, people, (rating, choice, text)


def _link(person) -> str:
    found = [m for m in mail.outbox if m.to == [person.email]]
    return link_in(found[-1])


def test_only_attendees_are_invited_each_with_their_own_link(held):
    _event, survey, people, _ = held
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[:2])
    assert _link(people[0]) != _link(people[1])
    with pytest.raises(CoordinationError, match="invited already"):
        operations.send(None, survey)


def test_an_answer_is_stored_without_its_person_and_only_once(held):
    _event, _survey, people, (rating, choice, text) = held
    client = Client()
    link = _link(people[0])
    page = client.get(link).content.decode()
    assert "How useful was it?" in page and "Anonymous" in page
    missing = client.post(link, {f"q{choice.pk}": "Yes"})
    assert "This field is required" in missing.content.decode()
    done = client.post(link, {f"q{rating.pk}": "4", f"q{choice.pk}": "Yes",
                              f"q{text.pk}": "More time for meetings"})  # fmt: skip
    assert "are saved, without your name" in done.content.decode()
    again = client.post(link, {f"q{rating.pk}": "1"})
    assert again.status_code == 400 and "answered already" in again.content.decode()
    (response,) = Response.objects.all()
    # Nothing in the stored answer points to a person, a registration or a moment.
    fields = {f.name for f in Response._meta.get_fields()}
    assert fields == {"id", "survey", "side", "sector", "answers"}
    assert response.answers == {str(rating.pk): 4, str(choice.pk): "Yes",
                                str(text.pk): "More time for meetings"}  # fmt: skip
    assert (response.side, response.sector) == ("US", "university")
    # Nor is it in the person's own export, nor in the change log.
    assert "More time" not in str(export_person(people[0], notes=True))
    from bilat.coordination.audit.models import Change

    assert not Change.objects.filter(model="feedback.response").exists()


def test_forged_and_foreign_links_are_refused(held):
    _event, _survey, people, (rating, *_) = held
    client = Client()
    link = _link(people[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    other = Invitation.objects.exclude(registration__person=people[0]).get()
    # Another invitation's number under this link's signature: refused.
    _value, _, rest = token.partition(":")
    forged = link.replace(token, f"{other.pk}:{rest}")
    answer = client.post(forged, {f"q{rating.pk}": "5"})
    assert answer.status_code == 400 and "not valid" in answer.content.decode()
    assert client.get("/feedback/1/").status_code == 400
    assert not Response.objects.exists()


def test_a_reminder_goes_to_those_who_have_not_answered(held, django_capture_on_commit_callbacks):
    _event, survey, people, (rating, *_) = held
    Client().post(_link(people[0]), {f"q{rating.pk}": "5"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert operations.remind(None, survey) == 1
    assert [m.to[0] for m in mail.outbox] == [people[1].email]
    assert mail.outbox[0].subject.startswith("Reminder:")


def test_results_by_side_and_sector_in_the_statistics_and_the_report(held):
    event, survey, people, (rating, choice, text) = held
    Client().post(_link(people[0]), {f"q{rating.pk}": "4", f"q{choice.pk}": "Yes"})
    Client().post(_link(people[1]), {f"q{rating.pk}": "2", f"q{choice.pk}": "Yes",
                                     f"q{text.pk}": "Shorter talks"})  # fmt: skip
    found = results(survey)
    assert (found.invited, found.answered) == (2, 2)
    assert found.ratings_by_side.to_pylist() == [
        {"question": "How useful was it?", "group": "All", "answers": 2, "mean_rating": 3.0},
        {"question": "How useful was it?", "group": "EU side", "answers": 1, "mean_rating": 2.0},
        {"question": "How useful was it?", "group": "US side", "answers": 1, "mean_rating": 4.0},
    ]
    assert [r["group"] for r in found.ratings_by_sector.to_pylist()] == ["All", "SME", "University"]
    yes = found.choices.to_pylist()[0]
    assert (yes["option"], yes["eu_side"], yes["us_side"], yes["answers"]) == ("Yes", 1, 1, 2)
    editor = Client()
    editor.force_login(make_editor())
    stats = editor.get(f"/coordination/events/{event.slug}/").content.decode()
    assert "Ratings by side" in stats and "2 answers from 2 attendees invited (100%)" in stats
    page = editor.get(f"/coordination/events/{event.slug}/survey/").content.decode()
    assert "Shorter talks" in page
    document = report.build(event)
    chapter = next(c for c in document.chapters if c.slug == "feedback")
    captions = [b.title for b in chapter.blocks if hasattr(b, "title")]
    assert captions == ["Ratings by side", "Ratings by sector",
                        "Answers to the questions of a list, by side"]  # fmt: skip
    numbers = [t.number for t in document.tables]
    assert numbers == list(range(1, len(numbers) + 1))
    assert "Shorter talks" not in str(document)


def test_questions_are_fixed_once_answers_came_and_a_list_needs_options(held):
    _event, survey, people, (rating, *_) = held
    with pytest.raises(CoordinationError, match="two options"):
        operations.add_question(None, survey, text="Pick", type=Question.Type.CHOICE, options="A")
    Client().post(_link(people[0]), {f"q{rating.pk}": "3"})
    with pytest.raises(CoordinationError, match="stay as they were"):
        operations.remove_question(None, rating)


def test_erasing_an_attendee_keeps_the_anonymous_answers(held):
    _event, survey, people, (rating, *_) = held
    Client().post(_link(people[0]), {f"q{rating.pk}": "5"})
    erase_person(None, people[0])
    assert results(survey).answered == 1
