"""Expensive anonymous requests: large CSV exports are streamed as they are read, anonymous
downloads are capped by a setting (with a message that says how to get more), and reports are
written once per warehouse version."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from bilat.records import listing
from bilat.reports import cache
from bilat.warehouse.store import Warehouse
from bilat.web.caching import ANSWERS

from conftest import serving

pytestmark = pytest.mark.django_db


def test_a_large_csv_export_is_streamed_in_pieces(client: Client, bundled: Warehouse) -> None:
    response = client.get("/explore/participations.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="participations.csv"'
    pieces = list(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(b"".join(pieces).decode("utf-8"))))
    query = listing.parse(bundled, "participations", {})
    assert len(rows) == listing.count(bundled, query) > 50_000
    # The header, then one piece per batch of rows read: never the whole file at once.
    assert len(pieces) == 1 + -(-len(rows) // listing.EXPORT_BATCH)
    expected = listing.export(bundled, query).slice(0, 3).to_pylist()
    assert [row["pic"] for row in rows[:3]] == [str(row["pic"]) for row in expected]


def test_a_streamed_csv_holds_what_the_listing_shows(client: Client, bundled: Warehouse) -> None:
    response = client.get("/explore/projects.csv?country=US&programme_part=MSCA")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    shown = client.get("/api/projects?country=US&programme_part=MSCA").json()
    assert len(rows) == shown["total"] > 0


def test_anonymous_downloads_are_capped_with_a_way_to_get_more(
    client: Client, bundled: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    us = listing.count(bundled, listing.parse(bundled, "participations", {"country": "US"}))
    monkeypatch.setenv("BILAT_ANONYMOUS_EXPORT_ROWS", str(us - 1))
    for fmt in ("csv", "xlsx", "parquet", "json"):
        fewer = "country=US&role=participant&role=coordinator"
        response = client.get(f"/explore/participations.{fmt}?{fewer}")
        assert response.status_code == 200, fmt  # fewer rows than the cap
        response = client.get(f"/explore/participations.{fmt}?country=US")
        assert response.status_code == 400, fmt
        text = response.content.decode()
        assert f"would hold {us:,} rows" in text and f"at most {us - 1:,}" in text
        assert "/api/participations?country=US&amp;page_size=1000&amp;page=1" in text
    page = client.get("/explore/participations/?country=US").content.decode()
    assert "explore/participations.csv" not in page and f"at most {us - 1:,}" in page
    # Signed in, the same download is whole.
    user = User.objects.create_user("reader", password="a long pass phrase")
    client.force_login(user)
    response = client.get("/explore/participations.csv?country=US")
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).splitlines()) == us + 1


def test_reports_are_written_once_per_warehouse_version(bundled_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(bundled_path, copy)
    client = Client()
    url = "/report/us-participation.{}?country=US&programme=HE"
    with serving(copy):
        before = (cache.COUNTS.hits, cache.COUNTS.misses)
        first = client.get(url.format("pdf"))
        ANSWERS.clear()  # else the page kept by the process answers before the report cache
        again = client.get(url.format("pdf"))
        assert first.status_code == again.status_code == 200
        assert first.content == again.content and first.content.startswith(b"%PDF")
        assert (cache.COUNTS.hits, cache.COUNTS.misses) == (before[0] + 1, before[1] + 1)
        html = client.get(url.format("html")).content
        ANSWERS.clear()
        assert client.get(url.format("html")).content == html
        assert (cache.COUNTS.hits, cache.COUNTS.misses) == (before[0] + 2, before[1] + 2)
        # A new warehouse (an ingest swaps the file) makes the report be written afresh.
        stat = copy.stat()
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert client.get(url.format("html")).content == html
        assert cache.COUNTS.misses == before[1] + 3
