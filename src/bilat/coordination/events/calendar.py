"""Events as iCalendar, so that people can subscribe to the programme in their calendar.

An event with times starts and ends at those times in its own zone (DTSTART with its TZID,
the zone's rules in a VTIMEZONE), so a calendar shows a Brussels webinar at 10:00 in New York;
an event known by its dates only is an all-day event. The public page is the event's URL.
Only published events, and nothing about who registered. The online link is written only into
the copy e-mailed to a confirmed registrant (`join`), never into the feeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import icalendar

from bilat.coordination.events.addresses import domain, event_url
from bilat.coordination.events.models import Event


def calendar(events: Iterable[Event], *, join: str = "") -> bytes:
    """An iCalendar document of `events`, each linked to its public page; `join`, the online
    link, goes into the copy for a confirmed registrant only."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//bilat//EU-US cooperation events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "bilat events")
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", f"event-{event.pk}@{domain()}")
        entry.add("summary", event.title)
        if event.all_day:
            entry.add("dtstart", event.starts)
            entry.add("dtend", event.ends + timedelta(days=1))  # DTEND of a date is exclusive
        else:
            entry.add("dtstart", event.start_at)
            entry.add("dtend", event.end_at)
        entry.add("dtstamp", datetime.now(UTC))
        where = ", ".join(p for p in (event.venue, event.city) if p)
        entry.add("location", join or where or event.get_place_display())
        entry.add(
            "description", f"{event.summary}\n\nJoin online: {join}" if join else event.summary
        )
        entry.add("categories", [event.get_kind_display()])
        entry.add("url", event_url(event))
        cal.add_component(entry)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
