"""What the feedback survey says, in total and by side and sector: ratings (answers and
mean, 1 to 5), choices (answers per option and side), and how many answered of those
invited. Free-text answers are counted here; editors read them on the survey page only (in
alphabetical order, never in the order they came), never in a report."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import pyarrow as pa

from bilat.coordination.feedback.models import Question, Survey
from bilat.coordination.vocabulary import Sector, Side

SIDES = dict(Side.choices)
SECTORS = dict(Sector.choices)
RATING_SCHEMA = pa.schema(
    [
        ("question", pa.string()),
        ("group", pa.string()),
        ("answers", pa.int64()),
        ("mean_rating", pa.float64()),
    ]
)
CHOICE_SCHEMA = pa.schema(
    [
        ("question", pa.string()),
        ("option", pa.string()),
        ("eu_side", pa.int64()),
        ("us_side", pa.int64()),
        ("other_side", pa.int64()),
        ("answers", pa.int64()),
    ]
)


@dataclass
class Results:
    invited: int
    answered: int
    ratings_by_side: pa.Table
    ratings_by_sector: pa.Table
    choices: pa.Table
    texts: list[tuple[str, list[str]]]

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def _ratings(
    questions: list[Question],
    responses: list[tuple[str, str, dict[str, object]]],
    key: int,
    labels: dict[str, str],
) -> pa.Table:
    rows = []
    for question in (q for q in questions if q.type == Question.Type.RATING):
        groups: defaultdict[str, list[int]] = defaultdict(list)
        for side, sector, answers in responses:
            value = answers.get(str(question.pk))
            group = side if key == 0 else sector
            if isinstance(value, int):
                groups[labels.get(group, group)].append(value)
                groups["All"].append(value)
        for group in sorted(groups, key=lambda g: (g != "All", g)):
            values = groups[group]
            mean = round(sum(values) / len(values), 2)
            rows.append(
                {
                    "question": question.text,
                    "group": group,
                    "answers": len(values),
                    "mean_rating": mean,
                }
            )
    return pa.Table.from_pylist(rows, schema=RATING_SCHEMA)


def _choices(
    questions: list[Question], responses: list[tuple[str, str, dict[str, object]]]
) -> pa.Table:
    rows = []
    for question in (q for q in questions if q.type == Question.Type.CHOICE):
        counted: Counter[tuple[str, str]] = Counter()
        for side, _, answers in responses:
            value = answers.get(str(question.pk))
            if isinstance(value, str):
                counted[(value, side)] += 1
        for option in question.choices():
            eu, us = counted[(option, "EU")], counted[(option, "US")]
            other = counted[(option, "other")]
            rows.append(
                {
                    "question": question.text,
                    "option": option,
                    "eu_side": eu,
                    "us_side": us,
                    "other_side": other,
                    "answers": eu + us + other,
                }
            )
    return pa.Table.from_pylist(rows, schema=CHOICE_SCHEMA)


def results(survey: Survey) -> Results:
    """The survey's results; the texts only for editors' eyes."""
    questions = list(survey.questions.all())
    responses = [(r.side, r.sector, dict(r.answers)) for r in survey.responses.all()]
    texts = []
    for question in (q for q in questions if q.type == Question.Type.TEXT):
        said = sorted(
            str(a[question_key])
            for a in (r[2] for r in responses)
            if (question_key := str(question.pk)) in a
        )
        texts.append((question.text, said))
    return Results(
        invited=survey.invitations.count(),
        answered=len(responses),
        ratings_by_side=_ratings(questions, responses, 0, SIDES),
        ratings_by_sector=_ratings(questions, responses, 1, SECTORS),
        choices=_choices(questions, responses),
        texts=texts,
    )
