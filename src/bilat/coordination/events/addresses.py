"""The public address of an event, for what is read away from the site: e-mails and
calendars (built from `BILAT_BASE_URL` by `mail.link`, so that operations, feeds and the
CLI write the same links)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from bilat.coordination.events.models import Event
from bilat.coordination.mail import link


def event_url(event: Event) -> str:
    """The absolute address of an event's public page."""
    return link("event", event.slug)


def domain() -> str:
    """The site's host name, which makes calendar entries' ids unique to this site."""
    return urlsplit(settings.BILAT_BASE_URL).hostname or "localhost"
