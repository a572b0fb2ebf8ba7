"""Shared fixtures: paths to the real data, and one warehouse built from the bundled data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client, override_settings

from bilat.warehouse.ingest import ingest
from bilat.warehouse.store import Warehouse
from bilat.web import services

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TESTDATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def bundled_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built once from everything under data/, as `make run` builds it."""
    path = tmp_path_factory.mktemp("bundled") / "warehouse.duckdb"
    ingest([DATA], warehouse=path)
    return path


@pytest.fixture(scope="session")
def bundled(bundled_path: Path) -> Warehouse:
    """A reader of the bundled warehouse."""
    return Warehouse(bundled_path)


@pytest.fixture(scope="session")
def three_programmes(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The bundled data plus the small real FP7 and H2020 extracts: all three programmes."""
    path = tmp_path_factory.mktemp("three") / "warehouse.duckdb"
    extracts = [
        TESTDATA / f"cordis-{programme}{table}.csv"
        for programme in ("fp7", "h2020")
        for table in ("projects", "organizations")
    ]
    ingest([DATA, *extracts], warehouse=path)
    return Warehouse(path)


@contextmanager
def serving(path: Path) -> Iterator[None]:
    """The web layer reading the warehouse at `path` (its per-process reader reset)."""
    services.warehouse.cache_clear()
    with override_settings(BILAT_WAREHOUSE=path):
        yield
    services.warehouse.cache_clear()


@pytest.fixture
def site_warehouse(bundled_path: Path) -> Iterator[Path]:
    """The web pages and API serving the bundled warehouse."""
    with serving(bundled_path):
        yield bundled_path


@pytest.fixture
def client(site_warehouse: Path) -> Client:
    """A Django test client of the site serving the bundled warehouse."""
    return Client()
