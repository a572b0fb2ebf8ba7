"""Events as iCalendar, so that people can subscribe to the programme in their calendar.

All-day events (the dates of an event are days); the public page is the event's URL. Only
published events, and nothing about who registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import icalendar

from bilat.coordination.events.addresses import domain, event_url
from bilat.coordination.events.models import Event


def calendar(events: Iterable[Event]) -> bytes:
    """An iCalendar document of `events`, each linked to its public page."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//bilat//EU-US cooperation events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "bilat events")
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", f"event-{event.pk}@{domain()}")
        entry.add("summary", event.title)
        entry.add("dtstart", event.starts)
        entry.add("dtend", event.ends + timedelta(days=1))  # DTEND of a date is exclusive
        entry.add("dtstamp", datetime.now(UTC))
        where = ", ".join(p for p in (event.venue, event.city) if p)
        entry.add("location", where or event.get_place_display())
        entry.add("description", event.summary)
        entry.add("categories", [event.get_kind_display()])
        entry.add("url", event_url(event))
        cal.add_component(entry)
    return bytes(cal.to_ical())
