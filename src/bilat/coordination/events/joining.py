"""Who may see where to join an event online: its confirmed registrants (signed in, or in
the e-mails sent to them) and editors. Nobody else: not the public page, not the feeds or the
API, not someone on the waiting list, not someone registered for another event. The link is
often the only key to a webinar, so a page that shows it must ask here first."""

from __future__ import annotations

from typing import Any

from bilat.coordination.events.models import Event, Status
from bilat.coordination.roles import is_editor


def may_join(user: Any, event: Event) -> bool:
    """Whether `user` may see `event`'s online link."""
    if not event.online_link or not user.is_authenticated:
        return False
    if is_editor(user):
        return True
    return event.registrations.filter(person__user_id=user.pk, status=Status.CONFIRMED).exists()


def online_link(user: Any, event: Event) -> str:
    """The event's online link for `user`, or "" when they may not see it."""
    return event.online_link if may_join(user, event) else ""
