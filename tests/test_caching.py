"""Conditional GET on the observatory: an ETag on the warehouse version, 304 while it holds."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client

from bilat.web import profile
from bilat.web.caching import Answers

from conftest import serving
from factories import make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_warehouse(bundled_path: Path, tmp_path: Path) -> Iterator[Path]:
    """The site serving a copy of the bundled warehouse, which a test may touch."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy2(bundled_path, path)
    with serving(path):
        yield path


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/country/US/?programme=HE",
        "/sources/",
        "/api/indicators/headline?country=US",
        "/export/by_role.csv?country=US",
    ],
)
def test_an_unchanged_answer_is_304_when_asked_with_its_tag(client: Client, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200
    tag = first["ETag"]
    again = client.get(url, headers={"if-none-match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag


def test_the_tag_depends_on_the_address(client: Client) -> None:
    tags = {client.get(url)["ETag"] for url in ("/country/US/", "/country/US/?programme=HE")}
    assert len(tags) == 2
    stale = client.get("/country/DE/", headers={"if-none-match": client.get("/")["ETag"]})
    assert stale.status_code == 200


def test_a_new_warehouse_answers_in_full_again(own_warehouse: Path) -> None:
    client = Client()
    before = client.get("/country/US/")
    # An ingest swaps the file whole; a new modification time is what the reader sees.
    stat = own_warehouse.stat()
    os.utime(own_warehouse, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = client.get("/country/US/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]


def test_signed_in_visitors_and_coordination_pages_are_not_tagged(client: Client) -> None:
    assert not client.get("/events/").has_header("ETag")
    client.force_login(make_editor())
    page = client.get("/country/US/")
    assert page.status_code == 200
    assert not page.has_header("ETag")


def test_a_page_seen_before_is_sent_again_to_anyone_without_being_rendered(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = client.get("/country/DE/?years=2021-2022")
    assert first.status_code == 200

    def rendered_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the profile was computed again")

    monkeypatch.setattr(profile, "sections", rendered_again)
    again = Client().get("/country/DE/?years=2021-2022")
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    with pytest.raises(AssertionError, match="computed again"):
        Client().get("/country/DE/?years=2021")


def test_forgetting_the_results_forgets_the_kept_pages_too(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's first view of a page forgets what was remembered: a page kept by the
    process must not be sent as if it had been computed."""
    from bilat import serving as site

    first = client.get("/country/FR/?years=2021-2022")
    site.warehouse().forget()
    computed = []
    real = profile.sections
    monkeypatch.setattr(profile, "sections", lambda *a, **k: computed.append(1) or real(*a, **k))
    again = Client().get("/country/FR/?years=2021-2022")
    assert computed and again["ETag"] != first["ETag"]


def test_kept_answers_are_bounded_in_number_and_bytes() -> None:
    answers = Answers(entries=2, size=10, largest=6)
    for tag, body in (("a", b"12345"), ("b", b"1234567"), ("c", b"123"), ("d", b"1234")):
        answers.keep(tag, HttpResponse(body))
    assert answers.get("b") is None  # larger than any answer kept
    assert answers.get("a") is None  # pushed out: 5 + 3 + 4 bytes is more than 10
    assert [answers.get(t).content for t in ("c", "d")] == [b"123", b"1234"]  # type: ignore[union-attr]
