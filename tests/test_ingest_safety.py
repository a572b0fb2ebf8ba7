"""Ingest is atomic and idempotent, and a newer snapshot replaces only its own programme."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from bilat.errors import InputFileError, UnknownFormatError, WarehouseOutdatedError
from bilat.warehouse.ingest import ingest
from bilat.warehouse.store import Warehouse

from conftest import DATA, TESTDATA


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A warehouse holding the HE legal basis and the H2020 topics."""
    target = tmp_path / "w.duckdb"
    ingest(
        [DATA / "horizon-europe" / "legalBasis.csv.gz", DATA / "h2020" / "topics.csv.gz"],
        warehouse=target,
    )
    return target


def test_loading_the_same_files_again_changes_nothing(small: Path) -> None:
    before = digest(small)
    report = ingest([DATA / "horizon-europe" / "legalBasis.csv.gz"], warehouse=small)
    assert not report.changed
    assert report.unchanged == [str(DATA / "horizon-europe" / "legalBasis.csv.gz")]
    assert digest(small) == before


def test_a_truncated_zip_stops_the_ingest_and_keeps_the_warehouse(
    small: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "cordis-HORIZONprojects-csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(TESTDATA / "organization-quirks.csv", "organization.csv")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    before = digest(small)
    with pytest.raises(
        InputFileError, match=r"cordis-HORIZONprojects-csv\.zip: not a readable zip"
    ):
        ingest([archive], warehouse=small)
    assert digest(small) == before
    assert not list(tmp_path.glob(".w.duckdb.building-*"))


def test_a_table_missing_a_required_column_names_the_file_and_column(
    small: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dump"
    folder.mkdir()
    lines = (TESTDATA / "organization-quirks.csv").read_text("utf-8").splitlines()
    header = lines[0].replace(";country;", ";land;")
    (folder / "organization.csv").write_text("\n".join([header, *lines[1:]]), "utf-8")
    before = digest(small)
    with pytest.raises(UnknownFormatError, match=r"organization.csv: .*lacks column\(s\) country"):
        ingest([folder], warehouse=small)
    assert digest(small) == before


def test_a_failure_while_building_leaves_the_old_warehouse(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bilat.warehouse import derive

    def broken(con: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(derive, "rebuild", broken)
    before = digest(small)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest([DATA / "horizon-europe" / "topics.csv.gz"], warehouse=small)
    assert digest(small) == before
    assert Warehouse(small).query(
        "SELECT count(*) AS n FROM project_topics WHERE programme = 'HE'"
    ) == [{"n": 0}]


def test_a_newer_snapshot_replaces_that_programme_only(small: Path, tmp_path: Path) -> None:
    first = tmp_path / "chunk1"
    first.mkdir()
    shutil.copy(TESTDATA / "he-organization-xlsx" / "organization_1.xlsx", first)
    ingest([first], warehouse=small)
    store = Warehouse(small)
    assert store.query("SELECT count(*) AS n FROM participations") == [{"n": 999}]
    ingest([TESTDATA / "he-organization-xlsx"], warehouse=small)
    counts = {(r["programme"], r["kind"]): r["rows_loaded"] for r in store.programme_tables()}
    assert counts[("HE", "organization")] == 1998
    assert counts[("H2020", "topics")] == 35_389
    assert counts[("HE", "legalbasis")] == 20_512
    assert store.query("SELECT count(*) AS n FROM participations") == [{"n": 1998}]


def test_a_warehouse_built_by_an_earlier_bilat_is_refused_then_rederived(small: Path) -> None:
    with duckdb.connect(str(small)) as con:  # what a warehouse of an earlier version lacks
        con.execute("DROP TABLE bilat_meta")
        con.execute("DROP TABLE participation_facts")
    with pytest.raises(WarehouseOutdatedError, match="run `bilat ingest` on the same files"):
        Warehouse(small).query("SELECT 1")
    report = ingest([DATA / "horizon-europe" / "legalBasis.csv.gz"], warehouse=small)
    assert report.rederived and not report.loaded
    assert Warehouse(small).query("SELECT count(*) AS n FROM participation_facts") == [{"n": 0}]
    again = ingest([DATA / "horizon-europe" / "legalBasis.csv.gz"], warehouse=small)
    assert not again.changed
