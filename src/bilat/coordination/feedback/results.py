"""What the feedback survey says, in total and by side and sector: ratings (answers and
mean, 1 to 5), choices (answers per option and side), and how many answered of those
invited. Free-text answers are counted here; editors read them on the survey page only (in
alphabetical order, never in the order they came), never in a report.

Answers are anonymous, but editors know who came: a group with one or two answers (the only
SME at a workshop, the two US attendees) would give away what those people answered, and so
would a group whose answers are all alike (the three US attendees all rating 5, or all
choosing "No"). So no figure is shown for fewer than `FEWEST` answers, nor for a group
whose ratings all sit at one end of the scale or whose choices all fall on one option, and a
figure that would let one be worked out from the others (the total less every group shown) is
withheld with it.

Nor is any figure of the answers (ratings, choices, texts; by side, by sector or in all)
shown while answers can still come in: whoever read them before and after one more answer
would have it, whatever the size of the groups. Until the survey is closed only how many
answered of those invited is said (`Results.open`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from bilat.coordination.feedback.models import RATINGS, Question, Survey
from bilat.coordination.vocabulary import Sector, Side

# The fewest answers a figure is shown for, and what the pages and reports say where one is not.
FEWEST = 3
WITHHELD = (
    f"No group of fewer than {FEWEST} answers is shown on its own (its figures read —), nor "
    "one whose answers are all alike (every rating a 1, or a 5; every choice the same), nor "
    "one from which it could be worked out: editors know who came, so it could tell what "
    "they answered."
)
WAITING = (
    "The figures of the answers are shown once the survey is closed: while answers can still "
    "come in, comparing the figures before and after one more answer would tell what that "
    "person answered."
)
TOGETHER = "Together, not shown alone"
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
    """A survey's results; while it is open (`closed` None) only `invited` and `answered`,
    the tables empty and no text."""

    invited: int
    answered: int
    ratings_by_side: pa.Table
    ratings_by_sector: pa.Table
    choices: pa.Table
    texts: list[tuple[str, list[str]]]
    closed: datetime | None = None  # when it stopped taking answers
    closes: datetime | None = None  # when its links expire, closing it by itself

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None

    @property
    def open(self) -> bool:
        """Whether answers can still come in, and so no figure of them is shown."""
        return self.closed is None


def _ratings(
    questions: list[Question],
    responses: list[tuple[str, str, dict[str, object]]],
    key: int,
    labels: dict[str, str],
) -> pa.Table:
    rows: list[dict[str, object]] = []
    for question in (q for q in questions if q.type == Question.Type.RATING):
        groups: defaultdict[str, list[int]] = defaultdict(list)
        for side, sector, answers in responses:
            value = answers.get(str(question.pk))
            group = side if key == 0 else sector
            if isinstance(value, int):
                groups[labels.get(group, group)].append(value)
        everyone = [value for values in groups.values() for value in values]
        shown = _shown(groups)
        withheld = [v for group, values in groups.items() if group not in shown for v in values]
        listed = [("All", everyone)] + [(group, groups[group]) for group in sorted(shown)]
        if withheld and shown:
            names = ", ".join(sorted(set(groups) - shown))
            listed.append((f"{TOGETHER}: {names}", withheld))
        rows.extend(
            {
                "question": question.text,
                "group": group,
                "answers": len(values),
                "mean_rating": round(sum(values) / len(values), 2)
                if len(values) >= FEWEST
                else None,
            }
            for group, values in listed
            if values
        )
    return pa.Table.from_pylist(rows, schema=RATING_SCHEMA)


def _telling_rating(values: list[int]) -> bool:
    """Whether a group's ratings tell what each of its people rated: too few of them, or all
    the lowest or all the highest (their mean then says it)."""
    alike = len(set(values)) == 1
    return len(values) < FEWEST or (alike and values[0] in (RATINGS[0], RATINGS[-1]))


def _telling_choice(values: list[str]) -> bool:
    """Whether a group's choices tell what each of its people chose: too few of them, or all
    the same option."""
    return len(values) < FEWEST or len(set(values)) == 1


def _shown(groups: dict[str, list[int]]) -> set[str]:
    """The groups whose figures can be shown: those whose answers do not tell what one person
    answered, less the smallest of them while the groups withheld still would together (else
    the total less the groups shown would give them away)."""
    ordered = sorted(groups, key=lambda group: (len(groups[group]), group))
    withheld = [group for group in ordered if _telling_rating(groups[group])]
    shown = [group for group in ordered if not _telling_rating(groups[group])]
    while withheld and shown and _telling_rating([v for g in withheld for v in groups[g]]):
        withheld.append(shown.pop(0))
    return set(shown)


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
        chosen: defaultdict[str, list[str]] = defaultdict(list)
        for (option, side), n in counted.items():
            chosen[side].extend([option] * n)
        by_side = not any(_telling_choice(values) for values in chosen.values())
        total = sum(len(values) for values in chosen.values())
        for option in question.choices():
            eu, us = counted[(option, "EU")], counted[(option, "US")]
            other = counted[(option, "other")]
            rows.append(
                {
                    "question": question.text,
                    "option": option,
                    # By side only when no side that answered tells what its people chose
                    # (too few answers, or all alike); the total when there are enough.
                    "eu_side": eu if by_side else None,
                    "us_side": us if by_side else None,
                    "other_side": other if by_side else None,
                    "answers": eu + us + other if total >= FEWEST else None,
                }
            )
    return pa.Table.from_pylist(rows, schema=CHOICE_SCHEMA)


def results(survey: Survey) -> Results:
    """The survey's results; the texts only for editors' eyes. While it is open, only how
    many answered of those invited: the answers are not even read."""
    invited = survey.invitations.count()
    closed = survey.closed_at()
    if closed is None:
        return Results(
            invited=invited,
            answered=survey.responses.count(),
            ratings_by_side=RATING_SCHEMA.empty_table(),
            ratings_by_sector=RATING_SCHEMA.empty_table(),
            choices=CHOICE_SCHEMA.empty_table(),
            texts=[],
            closes=survey.links_expire,
        )
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
        invited=invited,
        answered=len(responses),
        ratings_by_side=_ratings(questions, responses, 0, SIDES),
        ratings_by_sector=_ratings(questions, responses, 1, SECTORS),
        choices=_choices(questions, responses),
        texts=texts,
        closed=closed,
        closes=survey.links_expire,
    )
