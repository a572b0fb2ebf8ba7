"""The sources page shows what is loaded, against the bundled warehouse."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

from conftest import serving


def test_sources_page_lists_tables_counts_and_what_is_missing(client: Client) -> None:
    response = client.get("/sources/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Horizon Europe (2021-2027)" in html
    assert "80,276" in html  # HE participations
    assert "not loaded" in html  # FP7 and H2020 participations are not bundled
    assert "CC BY 4.0" in html


def test_sources_page_says_projects_are_counted_without_their_project_table(
    client: Client,
) -> None:
    """The bundled data has no project.csv: the projects counted are those the other tables
    name, and the page says so beside the count instead of seeming to contradict the
    "not loaded" above it."""
    html = client.get("/sources/").content.decode()
    he_projects = re.search(
        r"<tr><td>projects</td><td>HE</td><td[^>]*>([\d,]+)</td><td>([^<]*)<", html
    )
    assert he_projects is not None
    assert he_projects.group(1) == "15,341"  # the HE projects named by topics.csv
    assert "project.csv not loaded" in he_projects.group(2)


def test_page_says_when_no_warehouse_was_built(tmp_path: Path) -> None:
    with serving(tmp_path / "absent.duckdb"):
        response = Client().get("/")
    assert response.status_code == 503
    assert "bilat ingest" in response.content.decode()
