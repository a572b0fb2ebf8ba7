"""`bilat ingest`: read files, and build the new warehouse beside the old one, then swap.

The warehouse is a build product. An ingest copies the current file, replaces in the copy the
tables of each programme that the new files bring, recomputes the derived tables and only then
moves the copy over the original, so a reader never sees half a load and a failure leaves the
previous warehouse as it was. Loading files already loaded (same sha256) changes nothing.
One ingest runs at a time on a warehouse (see `lock`), and a new file that would empty most
of a programme's table, or is older than the one it replaces, is refused unless `replace`.

Memory is bounded by two files, not by the sum of all: each parsed table is written to an Arrow
file in a staging folder beside the warehouse and read back memory-mapped, so the kernel can
drop its pages until the table is loaded; DuckDB works under `BUILD_MEMORY` and spills to the
same folder beyond it. Each file loads in a transaction of its own, two files at a time (a
commit per statement wrote and checkpointed the growing file again and again, which was most
of the ingest's time); the derived tables, a few large statements, commit each.
"""

from __future__ import annotations

import shutil
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from threading import Event, Lock

import duckdb

from bilat.cordis import programmes
from bilat.cordis.inputs import InputFile, expand
from bilat.cordis.layouts import UNUSED_TABLES, USED_TABLES
from bilat.cordis.parsing import ParsedFile, parse
from bilat.cordis.roles import ACTIVITY_TYPES
from bilat.errors import (
    InputFileError,
    ProgrammeUndeterminedError,
    ReplaceRefusedError,
    UnknownFormatError,
)
from bilat.warehouse import derive
from bilat.warehouse.loading import Target, load
from bilat.warehouse.lock import building_path, exclusive, staging_path
from bilat.warehouse.schema import create_schema
from bilat.warehouse.side_by_side import side_by_side
from bilat.warehouse.sql import run, scalar

SOURCE_TABLES = (
    "participation_rows",
    "project_records",
    "project_topics",
    "project_legal_basis",
    "project_fields",
    "ref_programmes",
    "ref_funding_schemes",
    "ref_countries",
    "euroscivoc_concepts",
    "record_participations",
    "record_project_parts",
    "quarantine",
    "value_issues",
    "load_warnings",
)
Progress = Callable[[str, int, int], None]
# DuckDB's working memory while building; beyond it, it spills to the staging folder. With the
# parsed tables memory-mapped, this is most of what an ingest holds at any scale.
BUILD_MEMORY = "1GB"


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    loaded: list[ParsedFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    rederived: bool = False  # no file changed, but the derived tables were out of date

    @property
    def changed(self) -> bool:
        """Whether a new warehouse was swapped in."""
        return bool(self.loaded) or self.rederived


@dataclass
class _Group:
    """The files that together replace one table of one programme."""

    programme: str
    kind: str
    files: list[ParsedFile]


def ingest(
    paths: list[Path],
    *,
    warehouse: Path,
    programme: str | None = None,
    replace: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Load CORDIS files into the warehouse at `warehouse`, atomically.

    Raises `ReplaceRefusedError` (and changes nothing) when a table of a programme would
    lose more than half its rows, or get an older snapshot, unless `replace` is true.
    """

    def waiting() -> None:
        if progress:
            progress("waiting for another ingest of this warehouse to finish", 0, 1)

    report = IngestReport()
    files = expand(paths)
    with exclusive(warehouse, waiting=waiting), _staging(warehouse) as staging:
        parsed = _parse_all(files, report, progress, staging)
        groups = _group(parsed, warehouse, programme, replace=replace)
        current = _current_hashes(warehouse)
        changed = []
        for group in groups:
            hashes = {item.source.sha256() for item in group.files}
            if current.get((group.programme, group.kind)) == hashes:
                report.unchanged.extend(item.source.label for item in group.files)
            else:
                changed.append(group)
        if changed:
            if not replace:
                _refuse_shrinking(warehouse, changed)
            _build(warehouse, changed, progress, replace=replace, staging=staging)
            report.loaded = [item for group in changed for item in group.files]
        elif warehouse.exists() and derived_version(warehouse) != derive.VERSION:
            _build(warehouse, [], progress, replace=replace, staging=staging)
            report.rederived = True
    return report


def derived_version(warehouse: Path) -> int | None:
    """The version of the derived tables in a warehouse file (None before versions)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return derive.version_of(con)


@contextmanager
def _staging(warehouse: Path) -> Iterator[Path]:
    """A folder beside the warehouse for the parsed tables and DuckDB's spill, removed after."""
    folder = staging_path(warehouse)
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _parse_all(
    files: list[InputFile], report: IngestReport, progress: Progress | None, staging: Path
) -> list[ParsedFile]:
    parsed: list[ParsedFile] = []
    seen: set[str] = set()
    for number, source, outcome in _parsed_in_turn(files, progress):
        try:
            item = outcome.result()
        except UnknownFormatError as error:
            stem = source.name.lower().split(".")[0]
            if source.explicit or stem in USED_TABLES:
                raise  # a file meant to be a CORDIS table must not be passed over
            reason = "a CORDIS table bilat does not use" if stem in UNUSED_TABLES else str(error)
            report.skipped.append((source.label, reason))
            continue
        if item.layout.kind == "fundingschemes" and _is_activity_type_list(item):
            report.skipped.append((source.label, "activity type list: bilat ships its own"))
            continue
        if source.sha256() in seen:
            report.skipped.append((source.label, "same content as another file given"))
            continue
        seen.add(source.sha256())
        source.forget_data()  # parsed: the table holds what the bytes said
        item.map_from(staging / f"{number}.arrow")  # on disk until loaded, not in memory
        parsed.append(item)
    return parsed


# Files parsed at once, and the most bytes of files parsed ahead of the caller. Most of a parse
# runs outside Python's lock (Arrow's reader on one thread per file, ISA-L, numpy), so two
# files keep both cores of a small machine busy; a parse holds a few times its file's size, so
# files larger than the budget (those of several times all of CORDIS) are parsed one at a time.
PARSERS = 2
PARSE_BUDGET = 256 * 1024 * 1024


def _parse(source: InputFile) -> ParsedFile:
    item = parse(source)
    source.sha256()  # while the bytes are at hand, on this thread
    return item


def _parsed_in_turn(
    files: list[InputFile], progress: Progress | None
) -> Iterator[tuple[int, InputFile, Future[ParsedFile]]]:
    """Each file (numbered from 1) with its parse, in the files' order, `PARSERS` of them
    parsed at once and the next ones queued while the files not yet handed over stay within
    `PARSE_BUDGET` bytes (a worker that finishes a small file takes the next at once, rather
    than wait for the caller to be done with a large one). A parse that fails fails when its
    turn comes, so errors and skips are told in the files' order; the parses under way when
    the caller stops are finished, not abandoned, before this returns."""
    with ThreadPoolExecutor(PARSERS, thread_name_prefix="ingest-parse") as pool:
        ahead: deque[tuple[int, InputFile, Future[ParsedFile]]] = deque()
        upcoming = deque(enumerate(files, start=1))
        while upcoming or ahead:
            while upcoming:
                held = sum(source.size for _, source, _ in ahead)
                number, source = upcoming[0]
                if ahead and held + source.size > PARSE_BUDGET:
                    break
                upcoming.popleft()
                ahead.append((number, source, pool.submit(_parse, source)))
            number, source, outcome = ahead.popleft()
            if progress:
                progress(f"reading {source.name}", number, len(files))
            yield number, source, outcome


def _is_activity_type_list(item: ParsedFile) -> bool:
    """The CORDIS activity type list has the funding scheme list's header; tell them apart."""
    codes = {code.strip() for code in programmes.column_values(item, "code")}
    return bool(codes) and codes <= set(ACTIVITY_TYPES)


def _group(
    parsed: list[ParsedFile], warehouse: Path, forced: str | None, *, replace: bool
) -> list[_Group]:
    """Assign each file its programme, then gather the files per (programme, table)."""
    assigned: dict[int, str] = {}
    known: dict[int, str] = {}
    existing = _known_projects(warehouse)
    for index, item in enumerate(parsed):
        found = programmes.from_content(item)
        if forced and item.layout.kind not in programmes.REFERENCE_KINDS:
            in_warehouse = None if replace else programmes.from_projects(item, existing)
            _refuse_contradiction(item, forced, found or in_warehouse)
            found = forced
        if found:
            assigned[index] = found
            if found != programmes.ALL:
                known.update(dict.fromkeys(programmes.project_ids(item), found))
    for index, item in enumerate(parsed):
        if index in assigned:
            continue
        found = (
            programmes.from_projects(item, known)
            or programmes.from_projects(item, existing)
            or _container_programme(item, parsed, assigned)
        )
        if found is None:
            raise ProgrammeUndeterminedError(
                f"{item.source.label}: cannot tell which framework programme this "
                f"{item.layout.title} belongs to (it names no programme and its projects are "
                "not among the files loaded with it or in the warehouse); load it together "
                "with the project or legalBasis table of its dump, or say it with "
                "--programme FP7|H2020|HE"
            )
        assigned[index] = found
    groups: dict[tuple[str, str], _Group] = {}
    for index, item in enumerate(parsed):
        key = (assigned[index], item.layout.kind)
        groups.setdefault(key, _Group(*key, files=[])).files.append(item)
    return list(groups.values())


def _refuse_contradiction(item: ParsedFile, forced: str, said: str | None) -> None:
    """`--programme` is for files that do not say their programme: refuse it where the file
    says another one, or names projects the warehouse holds under another one."""
    if said is not None and said != forced:
        raise ProgrammeUndeterminedError(
            f"{item.source.label}: --programme {forced} was given, but this "
            f"{item.layout.title} is of {said} (its own content, or its projects in the "
            "warehouse, say so); nothing was changed. Leave out --programme: it is for files "
            "that do not say their programme (or add --replace to load it as "
            f"{forced} all the same, where the warehouse is wrong)"
        )


def _container_programme(
    item: ParsedFile, parsed: list[ParsedFile], assigned: dict[int, str]
) -> str | None:
    """The programme of the other tables of the same zip or folder, if they agree.

    A CORDIS dump holds one programme, so tables that travel together belong together.
    """
    home = _container(item)
    found = {
        assigned[index]
        for index, other in enumerate(parsed)
        if index in assigned and assigned[index] != programmes.ALL and _container(other) == home
    }
    return found.pop() if len(found) == 1 else None


def _container(item: ParsedFile) -> Path:
    source = item.source
    return source.path if source.member else source.path.parent


def _known_projects(warehouse: Path) -> dict[int, str]:
    if not warehouse.exists():
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(run(con, "SELECT project_id, programme FROM projects"))


def _current_hashes(warehouse: Path) -> dict[tuple[str, str], set[str]]:
    if not warehouse.exists():
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found: dict[tuple[str, str], set[str]] = {}
        for programme, kind, sha in run(con, "SELECT programme, kind, sha256 FROM sources"):
            found.setdefault((programme, kind), set()).add(sha)
        return found


# A new table may hold fewer rows than the one it replaces (a later release drops withdrawn
# projects), but not fewer than this share of them without `--replace`.
KEPT_SHARE = 0.5


def _loaded_rows(warehouse: Path) -> dict[tuple[str, str], tuple[int, object]]:
    """Rows loaded and latest snapshot date of each (programme, table) in the warehouse."""
    if not warehouse.exists():
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = run(
            con,
            """SELECT programme, kind, sum(rows_loaded), max(snapshot_date)
               FROM sources GROUP BY ALL""",
        )
    return {(programme, kind): (int(rows), snapshot) for programme, kind, rows, snapshot in found}


def _files_of(group: _Group) -> str:
    names = [item.source.label for item in group.files]
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"


def _refuse_shrinking(warehouse: Path, groups: list[_Group]) -> None:
    """Stop before building when new files would remove most of a loaded table's rows."""
    loaded = _loaded_rows(warehouse)
    for group in groups:
        before, snapshot = loaded.get((group.programme, group.kind), (0, None))
        after = sum(item.rows_loaded for item in group.files)
        if before and after < before * KEPT_SHARE:
            raise ReplaceRefusedError(
                f"{_files_of(group)}: would replace the {before:,} rows of the {group.programme} "
                f"{group.kind} table (snapshot {snapshot or 'undated'}) with {after:,}; nothing "
                "was changed. If that is meant, run the ingest again with --replace"
            )


# What makes two rows of a table the same record, per table a file can feed: a project, and
# for the tables of several rows per project, what each row names.
_SAME_RECORD = {
    "participation_rows": "project_id, pic, role",
    "project_records": "project_id",
    "project_topics": "project_id, topic",
    "project_legal_basis": "project_id, legal_basis",
    "project_fields": "project_id, code",
}


def _refuse_repeated(con: duckdb.DuckDBPyConnection, group: _Group) -> None:
    """Stop when two files given for one table hold the same records.

    A table may come in several files (an export in chunks), each holding its own rows; two
    versions of the same table given together (a copy re-saved with other line endings, an
    edited one beside the original) would count every record twice, which no figure shows.
    """
    if len(group.files) < 2:
        return
    sources = dict(
        run(
            con,
            "SELECT source_id, COALESCE(path || '!' || member, path) FROM sources "
            "WHERE programme = ? AND kind = ?",
            [group.programme, group.kind],
        )
    )
    for table, key in _SAME_RECORD.items():
        found = run(
            con,
            f"""SELECT count(*), min(first_sources), any_value(example) FROM (
                    SELECT list(DISTINCT source_id ORDER BY source_id)[1:2] AS first_sources,
                           concat_ws(', ', {key}) AS example
                    FROM {table} WHERE source_id IN (SELECT unnest(?))
                    GROUP BY {key} HAVING count(DISTINCT source_id) > 1)""",
            [list(sources)],
        )
        repeated, pair, example = found[0]
        if repeated:
            first, second = (sources[number] for number in pair)
            raise InputFileError(
                f"{first} and {second} hold the same {group.programme} {group.kind} records "
                f"({repeated:,} of them, e.g. ({key}) = ({example})): they would be counted twice; "
                "nothing was changed. Give one of them (several files for one table must each "
                "hold their own rows)"
            )


def _latest_snapshot(con: duckdb.DuckDBPyConnection, group: _Group) -> date | None:
    found: date | None = scalar(
        con,
        "SELECT max(snapshot_date) FROM sources WHERE programme = ? AND kind = ?",
        [group.programme, group.kind],
    )
    return found


def _refuse_older(con: duckdb.DuckDBPyConnection, group: _Group, before: date | None) -> None:
    """Stop when the files just loaded for a table are older than those they replace."""
    after = _latest_snapshot(con, group)
    if before is not None and after is not None and after < before:
        raise ReplaceRefusedError(
            f"{_files_of(group)}: snapshot {after} is older than the {group.programme} "
            f"{group.kind} table loaded (snapshot {before}); nothing was changed. If that is "
            "meant, run the ingest again with --replace"
        )


def _build(
    warehouse: Path,
    groups: list[_Group],
    progress: Progress | None,
    *,
    replace: bool,
    staging: Path,
) -> None:
    building = building_path(warehouse)
    if warehouse.exists():
        shutil.copy2(warehouse, building)
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": BUILD_MEMORY,
        "temp_directory": str(staging / "spill"),
    }
    try:
        with duckdb.connect(str(building), config=config) as con:
            run(con, "BEGIN TRANSACTION")
            create_schema(con)
            before = [_latest_snapshot(con, group) for group in groups]
            for group in groups:
                _drop_group(con, group)
            run(con, "COMMIT")
            _load_files(con, groups, progress)
            for group in groups:
                _refuse_repeated(con, group)
            if not replace:
                for group, snapshot in zip(groups, before, strict=True):
                    _refuse_older(con, group, snapshot)
            if progress:
                total = sum(len(group.files) for group in groups)
                progress("deriving projects, organisations, countries", total, total)
            # Derived, each statement committing: the updates of every participation row
            # would otherwise hold their old versions in memory until the end (at 10 times
            # the full scale, more than the build's memory).
            derive.rebuild(con)
            run(con, "CHECKPOINT")
        building.replace(warehouse)
    finally:
        building.unlink(missing_ok=True)


# Files loaded at once: a load is mostly DuckDB casting and inserting, which keeps a core and a
# bit busy; two loads keep both cores of a small machine busy.
LANES = 2


def _load_files(
    con: duckdb.DuckDBPyConnection, groups: list[_Group], progress: Progress | None
) -> None:
    """Load every file, each in a transaction of its own, `LANES` files at a time.

    A transaction keeps the tables it read until it ends, so one per file bounds memory by a
    file; files of different tables, or of the same table (appends do not conflict), load side
    by side. Source ids are given in the order of the files, whichever lane loads them.
    """
    first = int(scalar(con, "SELECT COALESCE(max(source_id), 0) + 1 FROM sources"))
    jobs = [(group, item) for group in groups for item in group.files]
    waiting = iter(enumerate(jobs, start=first))
    taking = Lock()
    failed = Event()

    def lane(cursor: duckdb.DuckDBPyConnection) -> None:
        while not failed.is_set():
            with taking:
                job = next(waiting, None)
            if job is None:
                return
            source_id, (group, item) = job
            if progress:
                progress(f"loading {item.source.name}", source_id - first + 1, len(jobs))
            try:
                run(cursor, "BEGIN TRANSACTION")
                _load_file(cursor, item, group, source_id)
                run(cursor, "COMMIT")
            except BaseException:
                failed.set()  # the other lanes take no further file
                raise
            item.release()  # in the warehouse now: its memory goes to the next

    side_by_side(con, *[lane] * LANES)


def _drop_group(con: duckdb.DuckDBPyConnection, group: _Group) -> None:
    """Remove what earlier loads brought for this programme and table."""
    old = [
        sid
        for (sid,) in run(
            con,
            "SELECT source_id FROM sources WHERE programme = ? AND kind = ?",
            [group.programme, group.kind],
        )
    ]
    if not old:
        return
    for table in SOURCE_TABLES:
        run(con, f"DELETE FROM {table} WHERE source_id IN (SELECT unnest(?))", [old])
    run(con, "DELETE FROM sources WHERE source_id IN (SELECT unnest(?))", [old])


def _load_file(
    con: duckdb.DuckDBPyConnection, item: ParsedFile, group: _Group, source_id: int
) -> None:
    dataset = "dashboard" if item.layout.kind == "dashboard" else "cordis"
    issues = load(con, item, Target(source_id, group.programme, dataset))
    snapshot, basis = _snapshot(con, item, source_id)
    source = item.source
    run(
        con,
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            source_id,
            str(source.path),
            source.member,
            item.layout.name,
            item.layout.kind,
            group.programme,
            item.encoding,
            snapshot,
            basis,
            source.sha256(),
            item.rows_read,
            item.rows_loaded,
            item.quarantined,
            item.recovered,
            issues,
            datetime.now(),
        ],
    )


def _snapshot(
    con: duckdb.DuckDBPyConnection, item: ParsedFile, source_id: int
) -> tuple[object, str | None]:
    """The date of the data: its latest update stamp, else the zip member's date."""
    for table, column, basis in (
        ("participation_rows", "content_update", "latest contentUpdateDate"),
        ("project_records", "content_update", "latest contentUpdateDate"),
        ("project_records", "signature_date", "latest signature date"),
    ):
        found = scalar(
            con,
            f"SELECT CAST(max({column}) AS DATE) FROM {table} WHERE source_id = ?",
            [source_id],
        )
        if found is not None:
            return found, basis
    if item.source.archive_date is not None:
        return item.source.archive_date, "date of the file in its zip"
    return None, None
