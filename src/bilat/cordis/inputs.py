"""Finding the files behind the paths a user gives: zips, folders, CSV, gzip and xlsx files.

Each file (or zip member) becomes an `InputFile` whose bytes are read once, so that the
sha256 that identifies a source is computed on exactly what was parsed.
"""

from __future__ import annotations

import gzip
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bilat.errors import InputFileError

READABLE_SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".txt")


@dataclass
class InputFile:
    """One file to read: a plain file, or a member of a zip."""

    path: Path
    member: str | None = None
    archive_date: date | None = None
    explicit: bool = False
    _data: bytes | None = field(default=None, repr=False)
    _sha256: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """How messages name the file: `archive.zip!member.csv` for zip members."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def name(self) -> str:
        """The file's own name, without folders."""
        return Path(self.member).name if self.member else self.path.name

    @property
    def is_xlsx(self) -> bool:
        """Whether this is an Excel workbook."""
        return self.name.lower().endswith(".xlsx")

    def data(self) -> bytes:
        """The file's bytes (decompressed when gzipped), read once and kept."""
        if self._data is None:
            self._data = self._read()
        return self._data

    def sha256(self) -> str:
        """Hex digest of the bytes that are parsed (computed once)."""
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.data()).hexdigest()
        return self._sha256

    def forget_data(self) -> None:
        """Let the bytes go once parsed (their digest stays): an ingest holds every file's
        parsed table at once, and keeping the bytes too would double its memory."""
        self.sha256()
        self._data = None

    def _read(self) -> bytes:
        try:
            if self.member is not None:
                with zipfile.ZipFile(self.path) as archive:
                    raw = archive.read(self.member)
            else:
                raw = self.path.read_bytes()
            if self.name.lower().endswith(".gz"):
                raw = gzip.decompress(raw)
        except (OSError, zipfile.BadZipFile, EOFError, gzip.BadGzipFile) as error:
            raise InputFileError(f"{self.label}: cannot be read ({error})") from error
        return raw


def expand(paths: list[Path]) -> list[InputFile]:
    """Every readable file under the given paths, zips opened, in a stable order."""
    found: list[InputFile] = []
    for path in paths:
        if not path.exists():
            raise InputFileError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not _hidden(child.relative_to(path)):
                    found.extend(_expand_file(child, explicit=False))
        elif not path.is_file():  # reading /dev/zero or a pipe would never end
            raise InputFileError(
                f"{path}: not a regular file (a device, pipe or socket); give files, zips "
                "or folders"
            )
        else:
            found.extend(_expand_file(path, explicit=True))
    return found


def _hidden(relative: Path) -> bool:
    return any(part.startswith((".", "__MACOSX")) for part in relative.parts)


def _expand_file(path: Path, *, explicit: bool) -> Iterator[InputFile]:
    lower = path.name.lower()
    if lower.endswith(".zip"):
        yield from _zip_members(path)
    elif lower.endswith(READABLE_SUFFIXES):
        yield InputFile(path, explicit=explicit)
    elif explicit:
        raise InputFileError(
            f"{path}: not a file bilat reads (expected .zip, .csv, .csv.gz, .xlsx or a folder)"
        )


def _zip_members(path: Path) -> Iterator[InputFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise InputFileError(
            f"{path}: not a readable zip, truncated or damaged ({error})"
        ) from error
    for info in sorted(infos, key=lambda item: item.filename):
        member = Path(info.filename)
        if info.is_dir() or _hidden(member) or not member.name.lower().endswith(READABLE_SUFFIXES):
            continue
        year, month, day = info.date_time[:3]
        yield InputFile(path, member=info.filename, archive_date=date(year, month, day))
