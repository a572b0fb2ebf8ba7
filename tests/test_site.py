"""The project shell's promises: safe defaults (no fixed secret key, a production mode that
`check --deploy` finds clean), and for every answer a Content-Security-Policy on every page type,
and pages that need nothing inline, so the policy costs them nothing; server errors logged
with their traceback."""

from __future__ import annotations

import logging.config
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from bilat import config
from bilat.site.logs import logging_config

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
    # Scripts from the site only: no page, the chart pages included (Vega evaluates their
    # expressions with its interpreter), allows 'unsafe-eval' or 'unsafe-inline'.
    assert found["script-src"] == ["'self'"], path
    assert not any(s.startswith("'unsafe-") for sources in found.values() for s in sources), path
    assert found["default-src"] == found["style-src"] == found["form-action"] == ["'self'"]
    assert found["object-src"] == found["frame-ancestors"] == found["base-uri"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    if response["Content-Type"].startswith("text/html"):
        parser = Inline()
        parser.feed(response.content.decode())
        assert parser.found == [], path


def test_every_public_page_type_has_the_policy_and_nothing_inline(client: Client) -> None:
    event = make_event(published=True, registration_open=True)
    for address in PUBLIC:
        check(client, address.format(slug=event.slug))


def test_every_editors_page_has_the_policy_and_nothing_inline(client: Client) -> None:
    event = make_event(published=True)
    client.force_login(make_editor())
    for address in EDITORS:
        check(client, address.format(slug=event.slug))


def test_the_site_icon_is_linked_from_every_page_and_answers_at_favicon_ico(
    client: Client,
) -> None:
    page = client.get("/sources/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon is not None and icon.group(1).endswith(".svg")
    # Browsers and feed readers ask for /favicon.ico whatever the page links.
    found = client.get("/favicon.ico", follow=True)
    assert found.redirect_chain == [(icon.group(1), 301)]
    assert found.status_code == 200 and b"<svg" in b"".join(found.streaming_content)


def test_no_django_template_comment_spans_lines() -> None:
    """Django's {# #} comment ends at the line's end: one spread over lines is printed on the
    page as text (explore showed one). Jinja2's (the reports') may span lines."""
    django_templates = [
        path
        for path in (Path(__file__).parents[1] / "src" / "bilat").rglob("templates/**/*.html")
        if "/reports/templates/" not in path.as_posix()
    ]
    assert len(django_templates) > 30
    broken = [
        f"{path}:{number}"
        for path in django_templates
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert broken == []


def fails(request: HttpRequest) -> HttpResponse:
    """A view with a bug."""
    raise RuntimeError("a fault the code did not expect")


urlpatterns = [path("fails/", fails)]


@contextmanager
def logging_as(config: dict[str, Any]) -> Iterator[None]:
    logging.config.dictConfig(config)
    try:
        yield
    finally:
        logging.config.dictConfig(settings.LOGGING)


def server_error(**given: Any) -> None:
    with override_settings(ROOT_URLCONF=__name__, **given):
        response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500


def assert_logged_with_traceback(text: str) -> None:
    assert "ERROR django.request: Internal Server Error: /fails/" in text
    assert "Traceback (most recent call last):" in text
    assert 'raise RuntimeError("a fault the code did not expect")' in text


def test_a_server_error_goes_to_standard_error_with_its_traceback_by_default(capsys) -> None:
    with logging_as(settings.LOGGING):  # as configured, its stream is the captured one
        server_error()
    assert_logged_with_traceback(capsys.readouterr().err)


def test_a_server_error_goes_to_the_error_log_file_when_one_is_set(tmp_path, capsys) -> None:
    log = tmp_path / "errors.log"
    with logging_as(logging_config(str(log), mail=False)):
        server_error()
    assert_logged_with_traceback(log.read_text())
    assert capsys.readouterr().err == ""


def test_a_server_error_is_mailed_with_its_traceback_when_addresses_are_set() -> None:
    with logging_as(logging_config("-", mail=True)):
        server_error(ADMINS=[("ops@example.org", "ops@example.org")])
    (message,) = mail.outbox
    assert message.to == ["ops@example.org"]
    assert "Internal Server Error: /fails/" in message.subject
    assert "RuntimeError at /fails/\na fault the code did not expect" in message.body
    assert "Traceback (most recent call last):" in message.body


def django(tmp_path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A Django command in a fresh process (settings are read once per process)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BILAT_", "DJANGO_"))}
    environ |= {
        "DJANGO_SETTINGS_MODULE": "bilat.site.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bilat.sqlite3'}",
        "BILAT_SECRET_KEY_FILE": str(tmp_path / "data" / "secret_key"),
        "BILAT_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
    } | env
    return subprocess.run(
        [sys.executable, "-m", "django", *command],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_secret_key_is_written_in_the_repository() -> None:
    assert next(s for s in config.SETTINGS if s.env == "BILAT_SECRET_KEY").default == ""


def test_a_fresh_install_makes_its_own_secret_key_and_keeps_it(tmp_path) -> None:
    show = [
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    ]
    first = django(tmp_path, *show)
    assert first.returncode == 0, first.stderr
    kept = tmp_path / "data" / "secret_key"
    assert first.stdout.strip() == kept.read_text().strip()
    assert len(first.stdout.strip()) >= 50
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert django(tmp_path, *show).stdout == first.stdout  # read back, not made again
    assert django(tmp_path / "other", *show).stdout != first.stdout
    given = django(tmp_path, *show, BILAT_SECRET_KEY="k" * 60)
    assert given.stdout.strip() == "k" * 60


def test_check_deploy_is_clean_in_production_mode(tmp_path) -> None:
    deploy = ["check", "--deploy", "--fail-level", "WARNING"]
    found = django(tmp_path, *deploy, BILAT_PRODUCTION="1", BILAT_ALLOWED_HOSTS="bilat.example.org")
    assert found.returncode == 0, found.stderr
    assert "System check identified no issues (0 silenced)." in found.stdout
    development = django(tmp_path, *deploy)
    assert development.returncode == 1
    for warning in ("W004", "W008", "W012", "W016"):  # HSTS, SSL redirect, cookies
        assert f"security.{warning}" in development.stderr


def test_production_mode_redirects_to_https_and_sends_hsts(tmp_path) -> None:
    script = (
        "from django.test import Client; c = Client();"
        "print(c.get('/sources/').status_code, c.get('/sources/')['Location']);"
        "r = c.get('/sources/', headers={'x-forwarded-proto': 'https'});"
        "print(r['Strict-Transport-Security'])"
    )
    found = django(tmp_path, "shell", "--no-imports", "-c", script, BILAT_PRODUCTION="1")
    assert found.returncode == 0, found.stderr
    assert found.stdout.splitlines() == [
        "301 https://testserver/sources/",
        "max-age=31536000; includeSubDomains; preload",
    ]
