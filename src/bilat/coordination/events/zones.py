"""Time zones of events: an event happens at a local time in a named IANA zone (a
transatlantic webinar is 16:00 in Brussels and 10:00 in Washington). The zone is kept by name
rather than as an offset, so that a summer event keeps its summer time and a change of a
country's rules is followed by the zone database, not frozen into the record."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError


@cache
def names() -> frozenset[str]:
    """Every zone name the zone database knows (`Europe/Brussels`, `America/New_York`...)."""
    return frozenset(available_timezones())


def zone(name: str) -> ZoneInfo:
    """The zone of this IANA name; `ValidationError` naming it when there is none."""
    if name not in names():
        raise ValidationError(
            f"{name!r} is not a time zone: give an IANA name such as Europe/Brussels, "
            "America/New_York or UTC."
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:  # listed but unreadable
        raise ValidationError(f"{name!r} is not a readable time zone.") from error


def validate_zone(name: str) -> None:
    """The model field's validator: the admin and forms refuse a zone that does not exist."""
    zone(name)


def local(day: date, at: time, where: ZoneInfo) -> datetime:
    """`day` at `at` on the clocks of `where`; `ValidationError` when that moment does not
    exist there (the hour skipped when clocks go forward)."""
    moment = datetime.combine(day, at, tzinfo=where)
    back = moment.astimezone(UTC).astimezone(where)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise ValidationError(
            f"{day:%d %B %Y} {at:%H:%M} does not exist in {where.key}: the clocks go "
            "forward then. Choose another time."
        )
    return moment


def start_of_next_day(day: date, where: ZoneInfo) -> datetime:
    """Midnight after `day` in `where`: the end of an event that lasts all day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=where)
