"""An ingest parses two files at a time, queues the next ones within a budget of bytes, and
still tells what it found in the files' order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest

from bilat.cordis.inputs import InputFile
from bilat.cordis.parsing import ParsedFile
from bilat.errors import UnknownFormatError
from bilat.warehouse import ingest as ingesting
from bilat.warehouse.ingest import ingest

from conftest import DATA


def _watched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many parses are under way as each one starts; each lasts a little longer
    than it would, so that two started together overlap for sure."""
    under_way: list[int] = []
    active = [0]
    lock = threading.Lock()
    real = ingesting._parse

    def slow(source: InputFile) -> ParsedFile:
        with lock:
            active[0] += 1
            under_way.append(active[0])
        try:
            time.sleep(0.2)
            return real(source)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(ingesting, "_parse", slow)
    return under_way


def _sources(warehouse: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT source_id, path, member, rows_loaded FROM sources ORDER BY source_id"
        ).fetchall()


def test_two_files_at_a_time_within_the_budget_load_as_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    under_way = _watched(monkeypatch)
    ingest([DATA / "horizon-europe"], warehouse=tmp_path / "two.duckdb")
    assert max(under_way) == ingesting.PARSERS == 2
    under_way.clear()
    monkeypatch.setattr(ingesting, "PARSE_BUDGET", 1)  # every file is over it: one at a time
    ingest([DATA / "horizon-europe"], warehouse=tmp_path / "one.duckdb")
    assert max(under_way) == 1 and len(under_way) > 3
    two, one = _sources(tmp_path / "two.duckdb"), _sources(tmp_path / "one.duckdb")
    assert two == one and len(two) > 3


def test_a_parser_done_with_a_small_file_takes_the_next_while_a_large_one_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first file's parse lasts until a third file's parse has begun: the other parser
    must go on to the third file (and further) without waiting for the caller to be done
    with the first. Before files were queued, the third began only after the first ended,
    so the first waited out its timeout."""
    started: list[str] = []
    third = threading.Event()
    waited: list[bool] = []
    lock = threading.Lock()
    real = ingesting._parse

    def first_waits(source: InputFile) -> ParsedFile:
        with lock:
            started.append(source.label)
            count = len(started)
        if count == 3:
            third.set()
        if count == 1:
            waited.append(third.wait(timeout=10))
        return real(source)

    monkeypatch.setattr(ingesting, "_parse", first_waits)
    ingest([DATA / "horizon-europe"], warehouse=tmp_path / "w.duckdb")
    assert waited == [True] and len(started) > 3


def test_a_file_that_cannot_be_read_is_named_in_the_files_order(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("colour;shape\nred;round\n")
    second.write_text("")
    with pytest.raises(UnknownFormatError, match=r"a\.csv"):
        ingest([first, second], warehouse=tmp_path / "w.duckdb")
    with pytest.raises(UnknownFormatError, match=r"b\.csv"):
        ingest([second, first], warehouse=tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()
