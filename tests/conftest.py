"""Shared fixtures: paths to the real data, and one warehouse built from the bundled data."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client, override_settings
from playwright.sync_api import Browser, Page, sync_playwright

from bilat.serving import warehouse as served_warehouse
from bilat.synthetic import generate
from bilat.warehouse.ingest import ingest
from bilat.warehouse.store import Warehouse

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


@dataclass(frozen=True)
class Generated:
    """The generated full-scale data of all three programmes, ingested: the warehouse, and
    the tables the ingest skipped (file!table, reason)."""

    path: Path
    skipped: list[tuple[str, str]]


@pytest.fixture(scope="session")
def full_scale(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The published CORDIS sizes, generated (seed 7) and ingested once for every slow test
    that reads them (a few minutes)."""
    folder = tmp_path_factory.mktemp("generated")
    zips = generate(folder / "zips", scale="full", seed=7)
    path = folder / "warehouse.duckdb"
    report = ingest(zips, warehouse=path)
    return Generated(path, list(report.skipped))


@contextmanager
def serving(path: Path) -> Iterator[None]:
    """The web layer reading the warehouse at `path` (its per-process reader reset)."""
    served_warehouse.cache_clear()
    with override_settings(BILAT_WAREHOUSE=path):
        yield
    served_warehouse.cache_clear()


@pytest.fixture(autouse=True)
def fresh_limits() -> Iterator[None]:
    """Every test starts with nothing in Django's cache and no page kept from another (the
    brakes' counts live in the database, which each test starts afresh)."""
    from django.core.cache import cache

    from bilat.web.caching import ANSWERS

    cache.clear()
    ANSWERS.clear()  # pages kept by an earlier test (with other settings) are not sent again
    yield


@pytest.fixture
def site_warehouse(bundled_path: Path) -> Iterator[Path]:
    """The web pages and API serving the bundled warehouse."""
    with serving(bundled_path):
        yield bundled_path


def close(response: object) -> None:
    """Close a file response (its file) without ending the test's database connection, as
    Django's test client does for the responses it reads itself."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()  # type: ignore[attr-defined]
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture
def client(site_warehouse: Path) -> Client:
    """A Django test client of the site serving the bundled warehouse."""
    return Client()


# Playwright's sync API runs an event loop in this thread; Django's database teardown in the
# same thread is safe here (nothing else runs concurrently), so allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SHOTS = ROOT / "var" / "screenshots"
# Flags that keep Chromium quiet on a machine without network or display.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    found = os.environ.get("BILAT_CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail("Chromium is not installed: run `make test`, which installs it", False)
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def site(live_server, site_warehouse: Path, transactional_db: None) -> str:
    return live_server.url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    yield opened
    context.close()
    assert problems == [], problems


def log_in(page: Page, site: str, name: str, password: str) -> None:
    """Log in on the site's log-in page as a person would: the boxes by their labels."""
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("E-mail address or user name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
