"""Everything the site offers works: a crawl clicks every same-site link from the overview and
the profiles and submits every option of every filter form, as a visitor and as an editor, on
the bundled data with the example coordination data. Any 5xx fails, and so does any 4xx
reached through a link or an option the site itself offered.

The crawl reads the forms from the served pages (tests/crawl.py), so a new filter or option is
tried without changing this test.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client

from bilat.coordination import demo

from conftest import Generated, serving
from crawl import Answer, Crawl, crawl, read, submissions

pytestmark = [pytest.mark.django_db]


def fetcher(client: Client):
    def fetch(url: str) -> Answer:
        response: HttpResponse = client.get(url)
        kind = response.get("Content-Type", "")
        html = kind.startswith("text/html") and not response.streaming
        error = repr(response.exc_info[1]) if getattr(response, "exc_info", None) else ""
        text = response.content.decode() if html else ""
        return Answer(response.status_code, kind, text, error, response.get("Location", ""))

    return fetch


def broken(found: Crawl) -> list[str]:
    return [
        f"{f.kind} {f.status} {f.url} (offered by {f.source or 'the test'}) {f.error}"
        for f in found.findings
    ]


def test_every_link_and_filter_option_a_visitor_meets_answers(site_warehouse: Path) -> None:
    demo.load(date(2026, 6, 1))
    client = Client(raise_request_exception=False)
    found = crawl(fetcher(client), ["/", "/country/US/"])
    assert not found.findings, "\n".join(broken(found))
    # The crawl went through: it tried at least every option the profile's own form offers,
    # and followed the links of many pages.
    profile = read(client.get("/country/US/").content.decode())
    offered = sum(len(form.choices) for form in profile.forms)
    assert found.requests["option"] >= offered > 20, found.requests
    assert found.requests["link"] > 150, found.requests
    # Every country the header's picker offers was opened (through its redirect to the
    # profile, or by a link that led there first), and every option of the comparison's form
    # was submitted.
    visited = set(found.visited)
    # The accounts' pages a visitor reaches by links: log-in, sign-up, a forgotten password.
    assert {"/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"} <= visited
    home = read(client.get("/").content.decode())
    (picker,) = [form for form in home.forms if form.action == "/country/"]
    profiles = {f"/country/{code}/" for _, code in picker.choices}
    assert len(profiles) > 100 and profiles <= visited, sorted(profiles - visited)[:5]
    compare = read(client.get("/compare/").content.decode())
    (form,) = [form for form in compare.forms if form.action == ""]
    compared = {url for _, url in submissions("/compare/", form)}
    assert len(compared) > 20 and compared <= visited, sorted(compared - visited)[:5]


def test_every_link_and_filter_option_an_editor_meets_answers(site_warehouse: Path) -> None:
    demo.load(date(2026, 6, 1))
    client = Client(raise_request_exception=False)
    assert client.login(username=demo.EDITOR[0], password=demo.EDITOR[1])
    found = crawl(fetcher(client), ["/coordination/", "/me/"], within=("/coordination/", "/me/"))
    assert not found.findings, "\n".join(broken(found))
    assert found.requests["link"] > 50, found.requests
    assert "/me/password/" in found.visited  # an editor's own account: reached from /me/


@pytest.mark.slow
def test_a_bounded_sample_of_what_a_visitor_meets_answers_on_full_scale_data(
    full_scale: Generated,
) -> None:
    """The generated full-scale data of all three programmes (FP7, H2020 and Horizon Europe
    with their project tables), where every filter option has rows behind it: a bounded
    sample (a few addresses of each type of page, every option of the profile's form once)."""
    with serving(full_scale.path):
        client = Client(raise_request_exception=False)
        found = crawl(fetcher(client), ["/", "/country/US/", "/country/CA/"], limit=260, per_type=3)
        assert not found.findings, "\n".join(broken(found))
        profile = read(client.get("/country/US/").content.decode())
        # The profile's filter form (the header's country picker is a form too).
        (filters,) = [f for f in profile.forms if any(n == "programme" for n, _ in f.choices)]
        programmes = [value for name, value in filters.choices if name == "programme"]
        assert {"FP7", "H2020", "HE"} <= set(programmes)
        assert found.requests["option"] >= len(filters.choices)
        assert found.requests["link"] > 60, found.requests
