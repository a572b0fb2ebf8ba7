"""An event's own registration questions: the form fields they become, the answers checked
again where they are saved (a request confirmed days later may meet changed questions), and
what they add up to in the event's statistics.

Answers are what a visitor typed: they are stored as text, shown only to editors (escaped
like everything a template writes) and downloaded through `bilat.exports`, which neutralises
cells a spreadsheet would evaluate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from django import forms

from bilat.coordination.events.models import ANSWER_LENGTH, Answer, Question, Registration, Status
from bilat.errors import CoordinationError

YES_NO = (("yes", "Yes"), ("no", "No"))


def field_name(question: Question) -> str:
    return f"question_{question.pk}"


def form_field(question: Question) -> forms.Field:
    """The form field that asks `question`."""
    label, required = question.text, question.required
    if question.type == Question.Type.CHOICE:
        options = [("", "Choose one"), *((o, o) for o in question.choices())]
        return forms.ChoiceField(choices=options, label=label, required=required)
    if question.type == Question.Type.YES_NO:
        return forms.ChoiceField(
            choices=YES_NO, widget=forms.RadioSelect, label=label, required=required
        )
    return forms.CharField(
        max_length=ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=label,
        required=required,
    )


def answers_of(questions: list[Question], cleaned: Mapping[str, object]) -> dict[str, str]:
    """The answers a valid form holds, by question id (as text: they travel in JSON)."""
    found = {str(q.pk): str(cleaned.get(field_name(q)) or "").strip() for q in questions}
    return {pk: value for pk, value in found.items() if value}


def checked(question: Question, value: str) -> str:
    """`value` as an answer to `question`; `CoordinationError` naming the question when it
    cannot be one."""
    value = value.strip()
    if "\x00" in value:
        raise CoordinationError(f"{question.text}: the answer holds a null character.")
    if len(value) > ANSWER_LENGTH:
        raise CoordinationError(f"{question.text}: at most {ANSWER_LENGTH} characters.")
    allowed = (
        question.choices()
        if question.type == Question.Type.CHOICE
        else [v for v, _ in YES_NO]
        if question.type == Question.Type.YES_NO
        else None
    )
    if allowed is not None and value not in allowed:
        raise CoordinationError(f"{question.text}: {value!r} is not one of {', '.join(allowed)}.")
    return value


def save_answers(registration: Registration, answers: Mapping[str, str]) -> None:
    """Store the registration's answers (replacing earlier ones: a registration cancelled
    and made again). Answers to questions the event no longer asks are left out."""
    questions = {str(q.pk): q for q in registration.event.questions.all()}
    registration.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(registration=registration, question=questions[pk], value=checked(questions[pk], v))
        for pk, v in answers.items()
        if pk in questions and v.strip()
    )


@dataclass(frozen=True)
class Summary:
    """One question in the statistics: for a list or yes/no question, how many gave each
    answer; for a text question, how many answered. Registrations not cancelled count."""

    question: Question
    answered: int
    asked: int
    counts: list[tuple[str, int]]


def summaries(event_id: int, asked: int) -> list[Summary]:
    """The event's questions and what the `asked` registrations not cancelled answered."""
    questions = list(Question.objects.filter(event_id=event_id))
    rows = Answer.objects.filter(
        question__event_id=event_id, registration__status__in=(Status.CONFIRMED, Status.WAITING)
    ).values_list("question_id", "value")
    per_question: dict[int, Counter[str]] = {q.pk: Counter() for q in questions}
    for question_id, value in rows:
        per_question[question_id][value] += 1
    found = []
    for q in questions:
        given = per_question[q.pk]
        options = (
            q.choices()
            if q.type == Question.Type.CHOICE
            else ["yes", "no"]
            if q.type == Question.Type.YES_NO
            else []
        )
        counts = [(o, given.get(o, 0)) for o in options]
        counts += sorted((v, n) for v, n in given.items() if options and v not in options)
        found.append(Summary(q, sum(given.values()), asked, counts))
    return found
