"""The project shell's promises for every answer: a Content-Security-Policy on every page type,
and pages that need nothing inline, so the policy costs them nothing."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from factories import make_editor, make_event

pytestmark = pytest.mark.django_db

CHART_PAGES = {"/", "/country/US/", "/organisation/999467340/", "/project/HE/101071601/"}
PUBLIC = [
    *sorted(CHART_PAGES),
    "/explore/participations/",
    "/sources/",
    "/country/XX/",  # 400
    "/organisation/1/",  # 404
    "/export/headline.csv",
    "/api/indicators",
    "/api/docs",
    "/events/",
    "/events/{slug}/",
    "/events/{slug}/register/",
    "/events/calendar.ics",
    "/recommendations/",
    "/accounts/login/",
    "/accounts/signup/",
]
EDITORS = [
    "/coordination/",
    "/coordination/people/",
    "/coordination/events/{slug}/",
    "/coordination/workshops/",
    "/coordination/awareness/",
    "/coordination/changes/",
    "/coordination/import/",
    "/me/",
    "/admin/",
    "/admin/events/event/",
    "/admin/events/event/add/",
]


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as directive -> sources."""
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


class Inline(HTMLParser):
    """Collects what a page would run or style inline."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "script" and "src" not in given and given.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")


def check(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500, path
    found = policy(response["Content-Security-Policy"])
    scripts = ["'self'", "'unsafe-eval'"] if path in CHART_PAGES else ["'self'"]
    assert sorted(found["script-src"]) == scripts, path
    assert found["default-src"] == found["style-src"] == found["form-action"] == ["'self'"]
    assert found["object-src"] == found["frame-ancestors"] == found["base-uri"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    if response["Content-Type"].startswith("text/html"):
        parser = Inline()
        parser.feed(response.content.decode())
        assert parser.found == [], path


def test_every_public_page_type_has_the_policy_and_nothing_inline(client: Client) -> None:
    event = make_event(published=True, registration_open=True)
    for path in PUBLIC:
        check(client, path.format(slug=event.slug))


def test_every_editors_page_has_the_policy_and_nothing_inline(client: Client) -> None:
    event = make_event(published=True)
    client.force_login(make_editor())
    for path in EDITORS:
        check(client, path.format(slug=event.slug))
