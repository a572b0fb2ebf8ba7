"""Verbs of the feedback survey: questions set by editors, the invitations and reminder
e-mailed to attendees, an attendee's anonymous answer, and the closing of the survey (by an
editor, or by itself when its links expire), after which no answer is taken and its figures
are shown.

Editors' changes write the change log; an answer does not (a dated entry would tie the
answer to the moment, and so to the person), nor is it written in the transaction that
closes the link (see `answer`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from bilat.coordination import mail
from bilat.coordination.audit.operations import Actor, record
from bilat.coordination.events.models import Event, Registration, Status
from bilat.coordination.feedback.models import (
    LINK_DAYS,
    RATINGS,
    Invitation,
    Question,
    Response,
    Survey,
)
from bilat.errors import CoordinationError

SALT = "bilat.feedback.invitation"
REMIND_GAP = timedelta(hours=1)  # the least time between two reminders of a survey
_SHUFFLE = random.SystemRandom()


def survey_of(event: Event) -> Survey:
    survey, _ = Survey.objects.get_or_create(event=event)
    return survey


def closed_because(survey: Survey) -> str | None:
    """Why the survey takes no more answers (and no more invitations), or None while open."""
    closed = survey.closed_at()
    if closed is None:
        return None
    how = "" if survey.closed else " (its links expired)"
    return (
        f"The feedback survey of {survey.event.title} closed on {closed:%d %B %Y}{how}: "
        "it takes no more answers. Thank you all the same."
    )


def _check_open(survey: Survey) -> None:
    closed = closed_because(survey)
    if closed is not None:
        raise CoordinationError(closed)


@transaction.atomic
def close(actor: Actor, survey: Survey) -> Survey:
    """Close the survey: its links refuse answers from now on and its figures are shown
    (answers can no longer be told apart by comparing the figures before and after one).
    Takes the lock an answer is stored under, so none slips in after; `survey` is updated."""
    locked = Survey.objects.select_for_update().select_related("event").get(pk=survey.pk)
    _check_open(locked)
    if locked.sent is None:
        raise CoordinationError("The survey has not been sent: there is nothing to close.")
    survey.closed = locked.closed = timezone.now()
    locked.save(update_fields=["closed"])
    note = f"{locked.responses.count()} of {locked.invitations.count()} answered"
    record(actor, "close", locked, ["closed"], note=note)
    return survey


@transaction.atomic
def add_question(
    actor: Actor, survey: Survey, *, text: str, type: str, options: str = "", required: bool = False
) -> Question:
    """A new question at the end of the survey (refused once answers came in)."""
    _check_open(survey)
    if survey.responses.exists():
        raise CoordinationError("Answers came in already: the questions stay as they were.")
    if type == Question.Type.CHOICE and len([o for o in options.splitlines() if o.strip()]) < 2:
        raise CoordinationError("A question of a list needs two options or more.", field="options")
    last = survey.questions.order_by("-position").first()
    question = Question.objects.create(
        survey=survey,
        text=text.strip(),
        type=type,
        options=options.strip(),
        required=required,
        position=(last.position + 1) if last else 1,
    )
    record(actor, "create", question, ["text", "type"])
    return question


@transaction.atomic
def remove_question(actor: Actor, question: Question) -> None:
    if question.survey.responses.exists():
        raise CoordinationError("Answers came in already: the questions stay as they were.")
    record(actor, "delete", question, note="survey question removed")
    question.delete()


def _invite(invitation: Invitation, *, reminder: bool) -> None:
    registration = invitation.registration
    person = registration.person
    if person is None:  # erased since
        return
    event = registration.event
    link = mail.signed_link("feedback-answer", invitation.pk, salt=SALT)
    first = (
        f"A reminder: we would still like to hear what you thought of {event.title}."
        if reminder
        else f"Thank you for coming to {event.title}. Would you tell us what you thought of it?"
    )
    body = (
        f"{first}\n\nThe survey takes two minutes and is anonymous: your answers are kept "
        f"without your name, and we see only the answers of everyone together by side and "
        f"sector, once the survey is closed. This link is yours (valid {LINK_DAYS} days, "
        f"one answer):\n{link}\n"
    )
    subject = ("Reminder: " if reminder else "") + f"Your feedback on {event.title}"
    mail.after_commit(person.email, subject, body)


@transaction.atomic
def send(actor: Actor, survey: Survey) -> int:
    """Invite every attendee not invited yet; returns how many were invited."""
    _check_open(survey)
    if not survey.questions.exists():
        raise CoordinationError("The survey has no question yet.")
    came = Registration.objects.filter(
        event=survey.event,
        status=Status.CONFIRMED,
        attended=True,
        person__isnull=False,
        survey_invitation__isnull=True,
    ).select_related("person", "event")
    invited = 0
    for registration in came:
        _invite(Invitation.objects.create(survey=survey, registration=registration), reminder=False)
        invited += 1
    if invited == 0:
        raise CoordinationError("Nobody to invite: every attendee has been invited already.")
    survey.sent = timezone.now()
    survey.save(update_fields=["sent"])
    record(actor, "send", survey, ["sent"], note=f"{invited} invited")
    return invited


@transaction.atomic
def remind(actor: Actor, survey: Survey) -> int:
    """Remind those invited who have not answered; returns how many. A second reminder within
    `REMIND_GAP` of the last is refused: pressed twice, the button would e-mail the same
    people twice (the row is locked, so two presses at once send one)."""
    _check_open(survey)
    last = Survey.objects.select_for_update().get(pk=survey.pk).reminded
    if last is not None and timezone.now() - last < REMIND_GAP:
        raise CoordinationError(
            f"A reminder went out at {last:%H:%M} UTC, less than an hour ago: the next one can "
            f"go from {last + REMIND_GAP:%H:%M} UTC."
        )
    waiting = survey.invitations.filter(answered=False, registration__person__isnull=False)
    reminded = 0
    for invitation in waiting.select_related("registration__person", "registration__event"):
        _invite(invitation, reminder=True)
        reminded += 1
    survey.reminded = timezone.now()
    survey.save(update_fields=["reminded"])
    record(actor, "remind", survey, ["reminded"], note=f"{reminded} reminded")
    return reminded


def read_link(token: str) -> Invitation:
    """The invitation a survey link carries; refused when altered, expired, answered, or
    when its survey is closed."""
    pk = mail.read_signed(
        token, salt=SALT, hours=LINK_DAYS * 24, again="ask the coordination team for a new one"
    )
    invitation = Invitation.objects.filter(pk=pk).select_related("survey__event").first()
    if invitation is None:
        raise CoordinationError("This survey link is no longer valid.")
    _check_open(invitation.survey)
    if invitation.answered:
        raise CoordinationError("This survey was answered already with this link: thank you.")
    return invitation


def _clean(question: Question, value: Any) -> str | int | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        if question.required:
            raise CoordinationError(
                f"{question.text}: an answer is needed.", field=f"q{question.pk}"
            )
        return None
    if question.type == Question.Type.RATING:
        if not text.isdigit() or int(text) not in RATINGS:
            raise CoordinationError(f"{question.text}: rate from 1 to 5.", field=f"q{question.pk}")
        return int(text)
    if question.type == Question.Type.CHOICE and text not in question.choices():
        raise CoordinationError(f"{question.text}: pick one of the list.", field=f"q{question.pk}")
    return text[:2000]


def answer(invitation: Invitation, values: Mapping[str, Any]) -> None:
    """Store one attendee's answers without them, and close their link.

    The two writes are kept apart so that nothing in the database ties them: the link is
    closed in one transaction and the answer stored in another (on PostgreSQL a row keeps
    the id of the transaction that wrote it, `xmin`: one transaction would pair them), and
    storing an answer rewrites every answer of the survey in a random order, so neither
    their ids, their place in the table nor their `xmin` say which came last. Must not run
    inside a transaction of the caller's (it would join the two)."""
    survey = invitation.survey
    answers = {}
    for question in survey.questions.all():  # checked before anything is written
        cleaned = _clean(question, values.get(f"q{question.pk}"))
        if cleaned is not None:
            answers[str(question.pk)] = cleaned
    side, sector = _close(invitation)
    try:
        _store(survey, Response(survey=survey, side=side, sector=sector, answers=answers))
    except BaseException:
        _reopen(invitation)  # the answer was not kept: the link may be used again
        raise


@transaction.atomic
def _close(invitation: Invitation) -> tuple[str, str]:
    """Mark the invitation answered (refusing a second answer); the registration's side and
    sector, which the answer keeps."""
    invitation = (
        Invitation.objects.select_for_update().select_related("registration").get(pk=invitation.pk)
    )
    if invitation.answered:
        raise CoordinationError("This survey was answered already with this link: thank you.")
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    return invitation.registration.side, invitation.registration.sector


@transaction.atomic
def _reopen(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(answered=False)


@transaction.atomic
def _store(survey: Survey, new: Response) -> None:
    """Add `new` to the survey's answers and deal them all out again over their rows in a
    random order (a system source of randomness: nothing to replay). Refused when the
    survey closed meanwhile (closing takes the same lock): its figures may be shown already."""
    locked = Survey.objects.select_for_update().select_related("event").get(pk=survey.pk)
    _check_open(locked)  # one answer at a time, and none once closed
    new.save()
    rows = list(Response.objects.filter(survey=survey).order_by("pk"))
    contents = [(r.side, r.sector, r.answers) for r in rows]
    _SHUFFLE.shuffle(contents)
    for row, (side, sector, answers) in zip(rows, contents, strict=True):
        row.side, row.sector, row.answers = side, sector, answers
    Response.objects.bulk_update(rows, ["side", "sector", "answers"])
