"""The public address of an event, for what is read away from the site: e-mails and
calendars. Built from the `BILAT_BASE_URL` setting, not from a request, so that the
operations that send e-mails (registering, cancelling) can write the same links as the pages
and the feeds, from the web, the CLI or an import alike."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from bilat.coordination.events.models import Event


def site_url(path: str) -> str:
    """The absolute address of a path of the site (`/events/x/` → `https://host/events/x/`)."""
    base: str = settings.BILAT_BASE_URL
    return base.rstrip("/") + path


def event_url(event: Event) -> str:
    """The absolute address of an event's public page."""
    return site_url(reverse("event", args=[event.slug]))


def domain() -> str:
    """The site's host name, which makes calendar entries' ids unique to this site."""
    return urlsplit(settings.BILAT_BASE_URL).hostname or "localhost"
