"""The outcomes in the data as report chapters: a section of each event's outcome report,
and the series report of every event held. Organisations only (by their CORDIS names and
PICs), never a person."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from bilat.coordination.events.models import Event
from bilat.coordination.outcomes.analysis import (
    CAVEAT,
    Comparison,
    Outcome,
    Pair,
    data_after,
    outcome,
)
from bilat.coordination.reporting import count, document
from bilat.errors import WarehouseMissingError
from bilat.formatting import percent
from bilat.reports.document import Chapter, Document, Numbering, Paragraph, Progress

PAIR_SCHEMA = pa.schema(
    [
        ("organisation", pa.string()),
        ("partner", pa.string()),
        ("meeting", pa.string()),
        ("since", pa.string()),
        ("projects", pa.string()),
    ]
)
GROUP_SCHEMA = pa.schema(
    [
        ("group", pa.string()),
        ("organisations", pa.int64()),
        ("eu_us_pairs", pa.int64()),
        ("first_together_after", pa.int64()),
        ("share", pa.string()),
    ]
)
HEADERS = {
    "organisation": "Organisation",
    "partner": "Partner",
    "meeting": "Had a meeting",
    "since": "Event",
    "projects": "Joint projects after the event",
    "group": "Group",
    "organisations": "Organisations",
    "eu_us_pairs": "EU-US pairs",
    "first_together_after": "First together after",
    "share": "Share",
}


NO_PIC = (
    "No organisation that took part has a confirmed CORDIS organisation (PIC) yet: confirm "
    "the matches in the directory to read the outcomes in the data."
)
# Why a row of the series table has no figures (a footnote mark, then its text).
MISSING = {
    "a": "No organisation that took part has a confirmed CORDIS organisation (PIC): there is "
    "nothing to read in the data.",
    "b": "The CORDIS data loaded here hold no project starting after the event: joint projects "
    "after it cannot be read yet.",
}
# Why the rows of the series table need not add up to the series as a whole.
ALONE = (
    "Each row reads its event alone: a pair of organisations that came to two events counts "
    "in both rows, and once in the series as a whole, from the first event both attended."
)
PER_EVENT_SCHEMA = pa.schema(
    [
        ("event", pa.string()),
        ("date", pa.string()),
        ("organisations", pa.int64()),
        ("eu_us_pairs", pa.int64()),
        ("first_together_after", pa.int64()),
        ("meetings_first_after", pa.int64()),
        ("missing", pa.string()),
    ]
)


def _share(new: int, pairs: int) -> str:
    found = Comparison.share(new, pairs)
    return "no pair" if found is None else percent(found)


def _pairs(pairs: Sequence[Pair], meetings: Sequence[Pair]) -> pa.Table:
    met = {(p.first.pic, p.second.pic) for p in meetings}
    rows = [
        {
            "organisation": f"{p.first.name} ({p.first.side})",
            "partner": f"{p.second.name} ({p.second.side})",
            "meeting": "yes" if (p.first.pic, p.second.pic) in met else "no",
            "since": p.since.isoformat(),
            "projects": "; ".join(project.label for project in p.projects),
        }
        for p in pairs
    ]
    return pa.Table.from_pylist(rows, schema=PAIR_SCHEMA)


def _groups(found: Outcome) -> pa.Table:
    compared = found.comparison
    rows = [
        {
            "group": "Attended",
            "organisations": len(found.organisations),
            "eu_us_pairs": found.read_pairs,
            "first_together_after": len(found.met_new),
            "share": _share(len(found.met_new), found.read_pairs),
        }
    ]
    if compared is not None:
        rows.append(
            {
                "group": "Comparison group (did not attend)",
                "organisations": compared.controls,
                "eu_us_pairs": compared.control_pairs,
                "first_together_after": compared.control_new,
                "share": _share(compared.control_new, compared.control_pairs),
            }
        )
    return pa.Table.from_pylist(rows, schema=GROUP_SCHEMA)


def _finding(found: Outcome, where: str) -> str:
    said = (
        f"{count(len(found.organisations), 'organisation')} that took part {where} "
        f"{'has' if len(found.organisations) == 1 else 'have'} a confirmed CORDIS "
        f"organisation (PIC)"
        + (
            f"; {count(found.without_pic, 'more has', 'more have')} none confirmed"
            if found.without_pic
            else ""
        )
        + f". {count(len(found.together_after), 'pair')} of them appear together in "
        "framework-programme projects after the event. "
        f"Of the {count(found.read_pairs, 'EU-US pair')} that met"
        + (" early enough to be read" if found.unread_pairs else "")
        + f", {len(found.met_new):,} ({_share(len(found.met_new), found.read_pairs)}) first "
        "worked together after it; "
        f"of the {count(found.meeting_pairs, 'pair')} that had a one-to-one meeting, "
        f"{len(found.meeting_new):,} did."
    )
    compared = found.comparison
    if compared is not None and compared.control_pairs:
        said += (
            f" Among {count(compared.controls, 'similar organisation')} that did not attend "
            "(same countries and organisation types, about as many projects before), "
            f"{compared.control_new:,} of {count(compared.control_pairs, 'EU-US pair')} "
            f"({_share(compared.control_new, compared.control_pairs)}) did."
        )
    return said


def _unread(found: Outcome) -> str:
    """What the pairs counted leave out: those that met at an event later than the data,
    which cannot be read yet (not pairs that did not work together)."""
    if not found.unread_pairs:
        return ""
    return (
        f"{count(found.unread_pairs, 'EU-US pair')} that first met at an event later than "
        "the CORDIS data loaded here (no project starts after it) "
        f"{'is' if found.unread_pairs == 1 else 'are'} left out: joint projects after that "
        "event cannot be read yet."
    )


def section(events: Sequence[Event], numbering: Numbering, *, where: str) -> Chapter:
    """The chapter on the outcomes in the data of `events`."""
    chapter = Chapter("outcomes", "Outcomes in the data: joint projects after the event")
    try:
        found = outcome(events)
    except WarehouseMissingError as error:
        chapter.blocks.append(Paragraph(f"The CORDIS data are not loaded here: {error}"))
        return chapter
    if not found.organisations:
        chapter.blocks.append(Paragraph(NO_PIC))
        return chapter
    first = min(event.starts for event in events)
    if not data_after(first):
        chapter.blocks.append(
            Paragraph(
                f"The CORDIS data loaded here hold no project starting after {first.isoformat()}: "
                "joint projects after the event cannot be read in them yet."
            )
        )
        return chapter
    chapter.blocks.append(Paragraph(_finding(found, where), kind="finding"))
    chapter.blocks.append(Paragraph(CAVEAT, kind="note"))
    chapter.blocks.append(
        numbering.table(
            "Attendees and comparison group",
            _groups(found),
            list(GROUP_SCHEMA.names),
            headers=HEADERS,
            note=_unread(found),
        )
    )
    new = _pairs(found.met_new, found.meeting_new)
    chapter.blocks.append(
        numbering.table(
            "EU-US pairs that met, first working together after the event",
            new,
            list(PAIR_SCHEMA.names),
            headers=HEADERS,
        )
    )
    together = _pairs(found.together_after, found.meeting_new)
    chapter.blocks.append(
        numbering.table(
            "Organisations that took part, together in later projects",
            together,
            ["organisation", "partner", "since", "projects"],
            headers=HEADERS,
        )
    )
    return chapter


def chapter(event: Event, numbering: Numbering) -> Chapter | None:
    """The section of the event's outcome report (events that have not ended have none)."""
    if not event.has_ended:
        return None
    return section([event], numbering, where="in the event")


def _per_event(event: Event) -> dict[str, str | int | None]:
    """An event's row of the series table. What the data cannot hold is missing ("—", with
    its reason in the Note column), never 0: an event none of whose organisations has a
    confirmed PIC, or later than the CORDIS data."""
    found = outcome([event])
    row: dict[str, str | int | None] = {
        "event": event.title,
        "date": event.starts.isoformat(),
        "organisations": None,
        "eu_us_pairs": None,
        "first_together_after": None,
        "meetings_first_after": None,
        "missing": "a",
    }
    if not found.organisations:
        return row
    row |= {"organisations": len(found.organisations), "eu_us_pairs": found.met_pairs}
    if not data_after(event.starts):
        return row | {"missing": "b"}
    return row | {
        "first_together_after": len(found.met_new),
        "meetings_first_after": len(found.meeting_new),
        "missing": None,
    }


def series(*, progress: Progress | None = None) -> Document:
    """The series report: every event held, and what they add up to in the data."""
    numbering = Numbering(progress)
    held = list(Event.objects.ended().order_by("starts", "pk"))
    rows = []
    for event in held:
        try:
            rows.append(_per_event(event))
        except WarehouseMissingError:
            break
    per_event = pa.Table.from_pylist(rows, schema=PER_EVENT_SCHEMA)
    marks = sorted({str(r["missing"]) for r in rows if r["missing"]})
    summary = Chapter("events", "The events")
    summary.blocks.append(
        Paragraph(
            f"{count(len(held), 'event')} held, from "
            + (
                f"{held[0].starts.isoformat()} to {held[-1].starts.isoformat()}."
                if held
                else "none yet."
            )
        )
    )
    summary.blocks.append(
        numbering.table(
            "Each event in the data",
            per_event,
            per_event.column_names,
            headers=HEADERS
            | {
                "event": "Event",
                "date": "Date",
                "meetings_first_after": "Of them with a meeting",
                "missing": "Note",
            },
            note=" ".join([ALONE, *(f"({mark}) {MISSING[mark]}" for mark in marks)]),
        )
    )
    return document(
        "series-outcome",
        "Outcomes of the dialogue",
        "Series report: the events held and the joint projects that followed",
        [
            summary,
            section(
                held,
                numbering,
                where="in the series (each pair from the first event both attended)",
            ),
        ],
        facts=[("Events", str(len(held)))],
        credit="attendance, organisations' confirmed CORDIS matches and meetings, read against "
        "the framework-programme projects in the CORDIS data. No participant is named.",
    )
