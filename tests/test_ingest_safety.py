"""Ingest is atomic and idempotent, and a newer snapshot replaces only its own programme."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from bilat.cordis.inputs import InputFile
from bilat.cordis.parsing import parse
from bilat.errors import (
    InputFileError,
    ProgrammeUndeterminedError,
    ReplaceRefusedError,
    UnknownFormatError,
    WarehouseOutdatedError,
)
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


def test_a_failure_while_loading_one_file_beside_others_leaves_the_old_warehouse(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files load two at a time on their own cursors: one failing stops the ingest all the
    same, with its error, and nothing the other lane loaded reaches the warehouse."""
    from bilat.warehouse import ingest as ingesting

    loaded = ingesting.load

    def failing_on_organisations(con, parsed, target):  # type: ignore[no-untyped-def]
        if parsed.layout.kind == "organization":
            raise RuntimeError("disk full while loading organization.csv")
        return loaded(con, parsed, target)

    monkeypatch.setattr(ingesting, "load", failing_on_organisations)
    before = digest(small)
    with pytest.raises(RuntimeError, match=r"disk full while loading organization\.csv"):
        ingest([DATA / "horizon-europe"], warehouse=small)
    assert digest(small) == before
    assert Warehouse(small).query(
        "SELECT count(*) AS n FROM participation_rows WHERE programme = 'HE'"
    ) == [{"n": 0}]


def test_two_versions_of_one_table_given_together_are_refused(small: Path, tmp_path: Path) -> None:
    """The real Horizon Europe organisation table beside a copy re-saved with other line
    endings (other bytes, the same records): loaded together they would count every
    participation twice. The ingest stops naming both, and changes nothing."""
    folder = tmp_path / "two"
    folder.mkdir()
    text = gzip.decompress((DATA / "horizon-europe" / "organization.csv.gz").read_bytes())
    (folder / "organization.csv").write_bytes(text)
    (folder / "organization-resaved.csv").write_bytes(text.replace(b"\r\n", b"\n"))
    assert (folder / "organization.csv").read_bytes() != (
        folder / "organization-resaved.csv"
    ).read_bytes()
    before = digest(small)
    with pytest.raises(InputFileError) as refused:
        ingest([folder], warehouse=small, programme="HE")
    message = str(refused.value)
    assert (
        "organization-resaved.csv and " in message and "organization.csv hold the same" in message
    )
    assert "HE organization records" in message and "counted twice" in message
    assert digest(small) == before


def test_a_programme_given_against_what_the_data_says_is_refused(small: Path) -> None:
    """`--programme` is for files that do not say theirs. The legal basis table says HE in
    its codes; the organisation table names projects the warehouse holds as HE: given as FP7,
    each is refused, naming the file and the programme it is of, and nothing changes."""
    before = digest(small)
    for name in ("legalBasis.csv.gz", "organization.csv.gz"):
        with pytest.raises(
            ProgrammeUndeterminedError, match=rf"{name}: --programme FP7 was given, .* is of HE"
        ):
            ingest([DATA / "horizon-europe" / name], warehouse=small, programme="FP7")
        assert digest(small) == before


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


def test_a_warehouse_built_by_a_later_bilat_asks_for_a_restart_not_an_ingest(
    small: Path,
) -> None:
    # What a server still running the previous bilat sees after the upgraded one ingested.
    with duckdb.connect(str(small)) as con:
        con.execute("UPDATE bilat_meta SET derived_version = derived_version + 1")
    with pytest.raises(WarehouseOutdatedError, match=r"built by a later bilat .* restart this"):
        Warehouse(small).query("SELECT 1")


def assert_refused(warehouse: Path, table: Path, message: str) -> None:
    """Loading `table` as Horizon Europe's stops with `message` and leaves the warehouse."""
    before = digest(warehouse)
    with pytest.raises(ReplaceRefusedError, match=message):
        ingest([table], warehouse=warehouse, programme="HE")
    assert digest(warehouse) == before


def test_a_table_that_would_lose_most_of_its_rows_is_refused_unless_replace(
    small: Path, tmp_path: Path
) -> None:
    header_only = tmp_path / "legalBasis.csv"
    header_only.write_text("projectID;legalBasis;title;uniqueProgrammePart\n", "utf-8")
    assert_refused(
        small,
        header_only,
        r"legalBasis\.csv: would replace the 20,512 rows of the HE legalbasis table "
        r"\(snapshot undated\) with 0; nothing was changed\. .* --replace",
    )
    ingest([header_only], warehouse=small, programme="HE", replace=True)
    counts = {
        (r["programme"], r["kind"]): r["rows_loaded"] for r in Warehouse(small).programme_tables()
    }
    assert counts[("HE", "legalbasis")] == 0
    assert counts[("H2020", "topics")] == 35_389


def _earlier_release(source: Path, target: Path) -> None:
    """The rows of a real chunk as a CSV whose every update stamp is a year earlier: what the
    previous release of the same table would look like."""
    parsed = parse(InputFile(source))
    table = parsed.table.drop_columns(["_record", "_line"])
    stamps = [
        f"{int(value[:4]) - 1}{value[4:]}" if value else value
        for value in table["contentUpdateDate"].to_pylist()
    ]
    index = table.column_names.index("contentUpdateDate")
    table = table.set_column(index, "contentUpdateDate", pa.array(stamps, pa.string()))
    pacsv.write_csv(table, target, pacsv.WriteOptions(delimiter=";"))


def test_an_older_snapshot_is_refused_unless_replace(small: Path, tmp_path: Path) -> None:
    chunk = TESTDATA / "he-organization-xlsx" / "organization_1.xlsx"
    ingest([chunk], warehouse=small)
    older = tmp_path / "organization.csv"
    _earlier_release(chunk, older)
    assert_refused(
        small,
        older,
        r"organization\.csv: snapshot 2023-05-29 is older than the HE organization table "
        r"loaded \(snapshot 2024-05-29\); nothing was changed",
    )
    assert not list(tmp_path.glob(".w.duckdb.building-*"))
    ingest([older], warehouse=small, programme="HE", replace=True)
    sources = [r for r in Warehouse(small).sources() if r["kind"] == "organization"]
    assert [(r["rows_loaded"], str(r["snapshot_date"])) for r in sources] == [(999, "2023-05-29")]


def _bilat(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from bilat.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_building(folder: Path, process: subprocess.Popen[str]) -> None:
    """Return once `process` has started building its new warehouse (beside the old one)."""
    deadline = time.monotonic() + 120
    while not list(folder.glob(".w.duckdb.building-*")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the ingest never started building"
        time.sleep(0.05)


def _building_he(small: Path) -> subprocess.Popen[str]:
    """An ingest of the whole HE organisation table (a long build), once it is building."""
    ingest = _bilat(
        "ingest",
        str(DATA / "horizon-europe" / "organization.csv.gz"),
        "--programme",
        "HE",
        "--warehouse",
        str(small),
    )
    _wait_for_building(small.parent, ingest)
    return ingest


def test_two_ingests_at_once_on_one_warehouse_keep_both_loads(small: Path) -> None:
    """The first loads the whole HE organisation table (a long build); the second starts
    while the first is building, with the FP7 extract. Without the lock both copied the same
    old file and the last swap lost the other's programme."""
    first = _building_he(small)
    second = _bilat(
        "ingest",
        str(TESTDATA / "cordis-fp7projects.csv"),
        str(TESTDATA / "cordis-fp7organizations.csv"),
        "--warehouse",
        str(small),
    )
    out_first, err_first = first.communicate(timeout=600)
    out_second, err_second = second.communicate(timeout=600)
    assert (first.returncode, second.returncode) == (0, 0), (err_first, err_second)
    assert "Loaded into" in out_first and "Loaded into" in out_second
    counts = Warehouse(small).query(
        "SELECT programme, count(*) AS n FROM participations GROUP BY ALL ORDER BY ALL"
    )
    assert counts == [{"programme": "FP7", "n": 58}, {"programme": "HE", "n": 80_276}]
    assert "waiting for another ingest of this warehouse to finish" in err_second
    assert not list(small.parent.glob(".w.duckdb.building-*"))


def test_a_killed_ingest_leaves_no_building_file_after_the_next_run(small: Path) -> None:
    before = digest(small)
    killed = _building_he(small)
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    assert list(small.parent.glob(".w.duckdb.building-*"))  # what the killed run left
    assert digest(small) == before
    report = ingest([DATA / "horizon-europe" / "legalBasis.csv.gz"], warehouse=small)
    assert not report.changed
    assert not list(small.parent.glob(".w.duckdb.building-*"))
