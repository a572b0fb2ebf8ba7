"""Shared fixtures: paths to the real data, and one warehouse built from the bundled data."""

from __future__ import annotations

from pathlib import Path

import pytest

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
