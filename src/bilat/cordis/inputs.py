"""Finding the files behind the paths a user gives: zips, folders, CSV, gzip and xlsx files.

Each file (or zip member) becomes an `InputFile` whose bytes are read once, so that the
sha256 that identifies a source is computed on exactly what was parsed.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from isal import isal_zlib

from bilat.errors import InputFileError

READABLE_SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".txt")
# How many times its gzipped size a CSV's text usually is (CORDIS tables: six to ten).
GZIP_RATIO = 10


@dataclass
class InputFile:
    """One file to read: a plain file, or a member of a zip."""

    path: Path
    member: str | None = None
    archive_date: date | None = None
    explicit: bool = False
    declared_size: int | None = None  # a zip member's size as its zip declares it
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
        """Whether this is an Excel workbook: by its name, or by its bytes (a workbook is a zip
        archive, which no CSV starts like), as files are told by their content, not their
        name: a workbook saved or renamed as `.csv` is read as the workbook it is."""
        return self.name.lower().endswith(".xlsx") or self.data().startswith(b"PK\x03\x04")

    @property
    def size(self) -> int:
        """The file's size in bytes, before reading it: as its zip declares it, else as the
        file system says (a gzipped file's, times the ratio CSV text usually packs into)."""
        if self._data is not None:
            return len(self._data)
        if self.declared_size is not None:
            return self.declared_size
        try:
            stored = self.path.stat().st_size
        except OSError:
            return 0  # reading it will say what is wrong
        return stored * GZIP_RATIO if self.name.lower().endswith(".gz") else stored

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
                    info = archive.getinfo(self.member)
                    inflated = _inflated(self.path, info)
                    raw = archive.read(info) if inflated is None else inflated
            else:
                raw = self.path.read_bytes()
            if self.name.lower().endswith(".gz"):
                raw = gzip.decompress(raw)
        except (OSError, zipfile.BadZipFile, EOFError, gzip.BadGzipFile) as error:
            raise InputFileError(f"{self.label}: cannot be read ({error})") from error
        return raw


# A zip member's local header: signature, then 22 bytes, then the lengths of its name and of
# its extra field, which precede its data (PKWARE's APPNOTE, section 4.3.7).
LOCAL_HEADER = struct.Struct("<4s22xHH")
LOCAL_SIGNATURE = b"PK\x03\x04"


def _inflated(path: Path, info: zipfile.ZipInfo) -> bytes | None:
    """A deflated, unencrypted zip member's bytes, inflated by ISA-L (isal), which does it in
    less than half the time of zlib (what `zipfile` uses: a fifth of parsing the CORDIS
    zips); None for any other member, which `zipfile` reads. Its size and CRC-32 are
    checked as `zipfile` checks them."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
        return None
    with path.open("rb") as archive:
        archive.seek(info.header_offset)
        header = archive.read(LOCAL_HEADER.size)
        if len(header) < LOCAL_HEADER.size or not header.startswith(LOCAL_SIGNATURE):
            raise zipfile.BadZipFile(f"{info.filename}: bad local file header")
        _, name_length, extra_length = LOCAL_HEADER.unpack(header)
        archive.seek(name_length + extra_length, 1)
        deflated = archive.read(info.compress_size)
    if len(deflated) < info.compress_size:
        raise EOFError(f"{info.filename}: the zip ends inside this member")
    try:
        raw = isal_zlib.decompress(deflated, wbits=-15)
    except Exception as error:  # isal's own IsalError (its stubs do not type it) for bad data
        raise zipfile.BadZipFile(f"{info.filename}: {error}") from error
    if len(raw) != info.file_size or isal_zlib.crc32(raw) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
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
    if not found:  # an empty folder is a mistaken path, not "nothing changed"
        raise InputFileError(
            f"no CORDIS file found in {', '.join(str(path) for path in paths)}: expected "
            ".zip, .csv, .csv.gz or .xlsx files (folders are searched with their subfolders)"
        )
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
        yield InputFile(
            path,
            member=info.filename,
            archive_date=date(year, month, day),
            declared_size=info.file_size,
        )
