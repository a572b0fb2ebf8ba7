"""An event's registration list as a table, for the badges and the sign-in sheet (the
editors' CSV download): an erased person's row stays, without them."""

from __future__ import annotations

import pyarrow as pa

from bilat.coordination.events.models import Event
from bilat.exports import text_table

COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "organisation",
    "country",
    "side",
    "sector",
    "status",
    "attended",
    "registered",
)


def table(event: Event) -> pa.Table:
    """Every registration of `event`, in the order they came, with a column per question of
    the event (its text as the title; answers are text, neutralised by `text_table` where a
    spreadsheet would evaluate them)."""
    questions = list(event.questions.all())
    titles = {q.pk: f"Q{n}. {q.text}" for n, q in enumerate(questions, 1)}
    rows = []
    registrations = event.registrations.select_related("person__organisation")
    for r in registrations.prefetch_related("answers"):
        p = r.person
        answers = {a.question_id: a.value for a in r.answers.all()}
        rows.append(
            {
                "first_name": p.first_name if p else "",
                "last_name": p.last_name if p else "(erased)",
                "email": p.email if p else "",
                "organisation": p.organisation.name if p and p.organisation else "",
                "country": r.country,
                "side": r.side,
                "sector": r.sector,
                "status": r.status,
                "attended": "" if r.attended is None else ("yes" if r.attended else "no"),
                "registered": r.created.isoformat(timespec="seconds"),
            }
            | {title: answers.get(pk, "") for pk, title in titles.items()}
        )
    return text_table((*COLUMNS, *titles.values()), rows)
