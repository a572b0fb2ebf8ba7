"""When an event is, in words: in its own zone, in UTC, and as the moments a visitor's
browser turns into its own clock (`local-time.js`, a progressive enhancement: without
script the page says the event's zone and UTC, which is enough to work the time out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DASH = "\u2013"  # an en dash, between the two ends of a span


@dataclass(frozen=True)
class When:
    """The words and moments an event page shows."""

    local: str  # in the event's zone, with its abbreviation and name
    brief: str  # the same in short, for lists and reports' title pages
    utc: str  # the same in UTC; empty for an all-day event
    start: str  # ISO 8601 moments in UTC, for the visitor's browser
    end: str
    zone: str


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def _short(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _brief(start: datetime, end: datetime) -> str:
    """`3 Mar 2026, 16:00-17:30` (an en dash), or both days when it spans two."""
    if start.date() == end.date():
        return f"{_short(start)}, {start:%H:%M}{DASH}{end:%H:%M}"
    return f"{_short(start)}, {start:%H:%M} {DASH} {_short(end)}, {end:%H:%M}"


def _span(start: datetime, end: datetime) -> str:
    """`Tuesday 3 March 2026, 16:00-17:30` (an en dash), or both days when it spans two."""
    if start.date() == end.date():
        return f"{_day(start)}, {start:%H:%M}{DASH}{end:%H:%M}"
    return f"{_day(start)}, {start:%H:%M} {DASH} {_day(end)}, {end:%H:%M}"


def describe(start: datetime, end: datetime, *, all_day: bool) -> When:
    """`start` and `end` (aware, in the event's zone) in words; an all-day event ends at
    the midnight after its last day."""
    zone = str(start.tzinfo)
    moments = {
        "start": start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "end": end.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
    if all_day:
        last = end - timedelta(days=1)
        one = last.date() == start.date()
        days = _day(start) if one else f"{_day(start)} {DASH} {_day(last)}"
        brief = _short(start) if one else f"{_short(start)} {DASH} {_short(last)}"
        return When(local=days, brief=brief, utc="", zone=zone, **moments)
    named = f"{start.tzname()} ({zone})"
    local = f"{_span(start, end)} {named}"
    utc = f"{_span(start.astimezone(UTC), end.astimezone(UTC))} UTC"
    brief = f"{_brief(start, end)} {named}"
    return When(local=local, brief=brief, utc=utc, zone=zone, **moments)
