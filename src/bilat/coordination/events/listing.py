"""What a list of events shows of each: its title, type, dates, place and themes, in words.

Put together in Python, once per event shown, with the themes of the whole page read in one
query: in the template, each choice label, each event's related manager and each lookup cost
more than the row itself (a public list of 200 events took 0.3 ms a row).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bilat.coordination.events.models import Event, Kind, Location

KINDS = dict(Kind.choices)
PLACES = dict(Location.choices)


@dataclass(frozen=True)
class Listed:
    """One event as a list shows it."""

    slug: str
    title: str
    kind: str
    when: str
    where: str
    themes: tuple[str, ...]


def listed(events: Iterable[Event]) -> list[Listed]:
    """The events shown, in their order, each with its themes (one query for all)."""
    shown = list(events)
    themes: defaultdict[int, list[str]] = defaultdict(list)
    through = Event.themes.through.objects.filter(event_id__in=[e.pk for e in shown])
    for event_id, name in through.order_by("theme__name").values_list("event_id", "theme__name"):
        themes[event_id].append(name)
    return [
        Listed(
            slug=e.slug,
            title=e.title,
            kind=KINDS.get(e.kind, e.kind),
            when=e.when.brief,
            where="Online" if e.place == Location.ONLINE else e.city or PLACES[e.place],
            themes=tuple(themes[e.pk]),
        )
        for e in shown
    ]
