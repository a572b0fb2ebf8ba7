"""The feedback survey: invitations to attendees only, one anonymous answer per signed link,
a reminder to those who have not answered, results by side and sector in the statistics and
the outcome report; forged and reused links refused; no answer linkable to its person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from bilat.coordination.audit.models import Change
from bilat.coordination.events import report
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.feedback import operations
from bilat.coordination.feedback.models import Invitation, Question, Response, Survey
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
    # Pressed again at once, the button e-mails nobody twice; an hour later it may.
    editor = Client()
    editor.force_login(make_editor())
    page = editor.post(f"/coordination/events/{_event.slug}/survey/", {"remind": "1"}, follow=True)
    assert "less than an hour ago" in page.content.decode() and len(mail.outbox) == 1
    Survey.objects.filter(pk=survey.pk).update(reminded=survey.reminded - timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        assert operations.remind(None, survey) == 1
    assert len(mail.outbox) == 2


def test_results_by_side_and_sector_in_the_statistics_and_the_report(held):
    event, survey, people, (rating, choice, text) = held
    Client().post(_link(people[0]), {f"q{rating.pk}": "4", f"q{choice.pk}": "Yes"})
    Client().post(_link(people[1]), {f"q{rating.pk}": "2", f"q{choice.pk}": "Yes",
                                     f"q{text.pk}": "Shorter talks"})  # fmt: skip
    operations.close(None, survey)
    found = results(survey)
    assert (found.invited, found.answered) == (2, 2)
    # Two answers: editors know who came, so no figure of one or two answers is shown, not
    # even the mean of both (it and one rating would give the other).
    assert found.ratings_by_side.to_pylist() == [
        {"question": "How useful was it?", "group": "All", "answers": 2, "mean_rating": None},
    ]
    assert [r["group"] for r in found.ratings_by_sector.to_pylist()] == ["All"]
    yes = found.choices.to_pylist()[0]
    assert (yes["option"], yes["eu_side"], yes["us_side"], yes["answers"]) == ("Yes",) + (None,) * 3
    editor = Client()
    editor.force_login(make_editor())
    stats = editor.get(f"/coordination/events/{event.slug}/").content.decode()
    assert "Ratings by side" in stats and "2 answers from 2 attendees invited (100%)" in stats
    assert "No group of fewer than 3 answers is shown" in stats
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


def _closed_with(survey, rating, choice, given):
    """The results of `survey` closed with these answers (side, sector, rating, choice), and
    its ratings by side as {group: (answers, mean)}."""
    Response.objects.bulk_create(
        Response(survey=survey, side=side, sector=sector,
                 answers={str(rating.pk): mark, str(choice.pk): chose})
        for side, sector, mark, chose in given
    )  # fmt: skip
    operations.close(None, survey)
    found = results(survey)
    by_side = {
        r["group"]: (r["answers"], r["mean_rating"]) for r in found.ratings_by_side.to_pylist()
    }
    return found, by_side


def test_a_rare_group_is_never_shown_alone_nor_left_to_work_out(held):
    """Eight answers: four from the EU side, three from the US side, one from the other side.
    The other side's one rating is withheld; with it alone withheld, the total less the two
    sides shown would give it, so the smallest side shown (the US) is withheld with it and
    the two are shown together."""
    _event, survey, _people, (rating, choice, _text) = held
    given = [("EU", "university", 5, "Yes")] * 2 + [("EU", "sme", 3, "No")] * 2
    given += [("US", "university", 4, "Yes")] * 3 + [("other", "research", 1, "No")]
    found, by_side = _closed_with(survey, rating, choice, given)
    assert by_side == {
        "All": (8, round((5 + 5 + 3 + 3 + 4 * 3 + 1) / 8, 2)),
        "EU side": (4, 4.0),
        "Together, not shown alone: Other, US side": (4, round((4 * 3 + 1) / 4, 2)),
    }
    # By sector: research has 1, SME 2, university 5: the two small ones together hold 3.
    by_sector = {r["group"]: r["answers"] for r in found.ratings_by_sector.to_pylist()}
    assert by_sector == {
        "All": 8,
        "University": 5,
        "Together, not shown alone: Research organisation, SME": 3,
    }
    # The list question by side: the other side answered once, so no column by side.
    yes = next(r for r in found.choices.to_pylist() if r["option"] == "Yes")
    assert (yes["eu_side"], yes["us_side"], yes["other_side"], yes["answers"]) == (
        None,
        None,
        None,
        5,
    )


def test_a_group_whose_answers_are_all_alike_is_not_shown_alone(held):
    """Ten answers: four from the EU side, three from the US side who all rated 5 and all
    chose No, three from the other side. A mean of 5 from the US side, or its three Nos,
    would tell what each US attendee answered (editors know who they are): the US side is
    shown only together with the smallest other side, and the list question not by side."""
    _event, survey, _people, (rating, choice, _text) = held
    given = [("EU", "university", 5, "Yes")] * 2 + [("EU", "sme", 3, "No")] * 2
    given += [("US", "university", 5, "No")] * 3
    given += [("other", "research", 2, "Yes"), ("other", "research", 4, "No")]
    given += [("other", "research", 4, "Maybe")]
    found, by_side = _closed_with(survey, rating, choice, given)
    assert by_side == {
        "All": (10, round((5 * 2 + 3 * 2 + 5 * 3 + 2 + 4 + 4) / 10, 2)),
        "EU side": (4, 4.0),
        "Together, not shown alone: Other, US side": (6, round((5 * 3 + 2 + 4 + 4) / 6, 2)),
    }
    no = next(r for r in found.choices.to_pylist() if r["option"] == "No")
    assert (no["eu_side"], no["us_side"], no["other_side"], no["answers"]) == (
        None,
        None,
        None,
        2 + 3 + 1,
    )


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


@pytest.mark.django_db(transaction=True)
def test_no_trace_in_the_database_ties_an_answer_to_whoever_closed_their_link():
    """Ten attendees answer one after the other, through their own links. The link is
    closed in one transaction and the answer stored in another (seen as Django opens them;
    on PostgreSQL also in `xmin`, the id of the transaction that wrote each row); every
    answer of the survey is rewritten at each new one, so the answers' ids and `xmin` do
    not give their order (the chance that a random order is the answering one is 1 in
    10!, about 3 in ten million)."""
    day = date.today() - timedelta(days=2)
    event = make_event(title="Privacy workshop", starts=day, ends=day)
    people = [make_person(first_name=f"P{n}") for n in range(10)]
    rows = [register(None, event, p, source="test", notify=False, after_end=True) for p in people]
    mark_attendance(None, event, {r.pk: True for r in rows})
    survey = operations.survey_of(event)
    question = operations.add_question(None, survey, text="One word?", type="text")
    operations.send(None, survey)
    invitations = list(Invitation.objects.filter(survey=survey).order_by("pk"))
    writes: list[tuple[str, int | None]] = []

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        outer = connection.atomic_blocks[0] if connection.atomic_blocks else None
        if sql.startswith(('UPDATE "feedback_invitation"', 'INSERT INTO "feedback_response"')):
            writes.append((sql.split()[0], id(outer) if outer is not None else None))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        for n, invitation in enumerate(invitations):
            operations.answer(invitation, {f"q{question.pk}": f"word {n}"})
    closing = [outer for kind, outer in writes if kind == "UPDATE"]
    storing = [outer for kind, outer in writes if kind == "INSERT"]
    assert len(closing) == len(storing) == 10 and None not in closing + storing
    assert not set(closing) & set(storing)  # never in the same transaction
    in_id_order = [r.answers[str(question.pk)] for r in Response.objects.order_by("pk")]
    assert sorted(in_id_order) == sorted(f"word {n}" for n in range(10))
    assert in_id_order != [f"word {n}" for n in range(10)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT xmin::text FROM feedback_response")
            answers = {x for (x,) in cursor.fetchall()}
            cursor.execute("SELECT xmin::text FROM feedback_invitation WHERE answered")
            links = {x for (x,) in cursor.fetchall()}
        assert len(answers) == 1 and len(links) == 10 and not answers & links


def _figures(found) -> int:
    return (
        found.ratings_by_side.num_rows
        + found.ratings_by_sector.num_rows
        + (found.choices.num_rows + len([said for _, said in found.texts if said]))
    )


def test_no_figure_of_the_answers_is_shown_while_answers_can_still_come_in(
    held, django_capture_on_commit_callbacks
):
    """The reviewer's case: after a reminder to the two named attendees who had not answered,
    the figures before and after each answer gave that answer. While the survey is open no
    figure is shown (pages, statistics, outcome report), only how many answered of those
    invited; closing it (logged) shows them and refuses the late respondent's link."""
    event, survey, people, (rating, choice, text) = held
    with django_capture_on_commit_callbacks(execute=True):
        assert operations.remind(None, survey) == 2
    Client().post(_link(people[0]), {f"q{rating.pk}": "1", f"q{choice.pk}": "Yes",
                                     f"q{text.pk}": "Shorter talks"})  # fmt: skip
    found = results(survey)
    assert (found.invited, found.answered, _figures(found)) == (2, 1, 0)
    assert found.open
    assert found.closes == survey.reminded + timedelta(days=operations.LINK_DAYS)
    editor = Client()
    editor.force_login(make_editor())
    for address in (
        f"/coordination/events/{event.slug}/",
        f"/coordination/events/{event.slug}/survey/",
    ):
        page = editor.get(address).content.decode()
        assert "1 answer from 2 attendees invited (50%)" in page
        assert "shown once the survey is closed" in page
        assert "Ratings by side" not in page and "Shorter talks" not in page
    chapter = next(c for c in report.build(event).chapters if c.slug == "feedback")
    assert not [b for b in chapter.blocks if hasattr(b, "title")]
    assert "still open" in str(chapter.blocks)

    late = _link(people[1])
    operations.close(None, survey)
    with pytest.raises(CoordinationError, match="takes no more answers"):
        operations.remind(None, survey)
    closed = Change.objects.get(action="close")
    assert (closed.model, closed.note) == ("feedback.Survey", "1 of 2 answered")
    for response in (Client().get(late), Client().post(late, {f"q{rating.pk}": "5"})):
        assert response.status_code == 400
        assert "closed on" in response.content.decode()
    found = results(survey)
    assert (found.answered, found.open) == (1, False) and _figures(found) > 0
    page = editor.get(f"/coordination/events/{event.slug}/survey/").content.decode()
    assert "Shorter talks" in page and "Close the survey" not in page
    with pytest.raises(CoordinationError, match="takes no more answers"):
        operations.send(None, survey)


def test_closing_the_survey_is_final_so_it_asks_for_confirmation_first(held):
    """Without its box ticked (a browser without JavaScript, or one that skips the form's
    check), "Close the survey" closes nothing and says why; ticked, it closes."""
    event, survey, _people, _questions = held
    editor = Client()
    editor.force_login(make_editor())
    url = f"/coordination/events/{event.slug}/survey/"
    page = editor.get(url).content.decode()
    assert 'name="confirm" value="yes" id="id_confirm_close" required' in page
    for unconfirmed in ({"close": "1"}, {"close": "1", "confirm": "on"}):
        said = editor.post(url, unconfirmed, follow=True).content.decode()
        assert "tick the box that says closing is final" in said
        survey.refresh_from_db()
        assert survey.closed is None and not Change.objects.filter(action="close").exists()
    said = editor.post(url, {"close": "1", "confirm": "yes"}, follow=True).content.decode()
    assert "The survey is closed" in said
    survey.refresh_from_db()
    assert survey.closed is not None and Change.objects.filter(action="close").count() == 1


def test_a_survey_closes_by_itself_when_its_links_expire(held):
    _event, survey, people, (rating, *_) = held
    Client().post(_link(people[0]), {f"q{rating.pk}": "4"})
    link = _link(people[1])
    survey.sent = survey.sent - timedelta(days=operations.LINK_DAYS, seconds=1)
    survey.save(update_fields=["sent"])
    assert survey.closed is None and survey.closed_at() == survey.links_expire
    answer = Client().post(link, {f"q{rating.pk}": "5"})
    assert answer.status_code == 400 and "its links expired" in answer.content.decode()
    found = results(survey)
    assert (found.answered, found.open) == (1, False) and _figures(found) > 0


def test_an_answer_on_its_way_when_the_survey_closes_is_not_kept(held):
    """Closing and storing an answer take the same lock: an answer whose link was read
    before the survey closed is refused, and its link is not spent."""
    _event, survey, people, (rating, *_) = held
    invitation = operations.read_link(_link(people[0]).rstrip("/").rsplit("/", 1)[-1])
    operations.close(None, survey)
    with pytest.raises(CoordinationError, match="takes no more answers"):
        operations.answer(invitation, {f"q{rating.pk}": 3})
    assert not Response.objects.exists()
    assert not Invitation.objects.get(pk=invitation.pk).answered
