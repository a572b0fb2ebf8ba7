"""Reading the files behind the paths given: a zip member inflated by ISA-L is byte for byte
what `zipfile` reads, and a damaged one is an error naming it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bilat.cordis.inputs import expand
from bilat.errors import InputFileError

from conftest import TESTDATA

MEMBERS = ("organization-quirks.csv", "he-project-invalid-fields.csv", "cordis-fp7projects.csv")


def archive_of(path: Path, compression: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name in MEMBERS:
            archive.write(TESTDATA / name, f"folder/{name}")
        with archive.open("streamed.csv", "w") as member:  # sizes after the data
            member.write((TESTDATA / MEMBERS[0]).read_bytes() * 50)
    return path


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_each_member_reads_as_zipfile_reads_it(tmp_path: Path, compression: int) -> None:
    path = archive_of(tmp_path / "cordis.zip", compression)
    found = {item.member: item.data() for item in expand([path])}
    with zipfile.ZipFile(path) as archive:
        assert found == {name: archive.read(name) for name in archive.namelist()}
    assert len(found) == 4 and all(found.values())


def test_a_damaged_member_is_an_error_naming_it(tmp_path: Path) -> None:
    path = archive_of(tmp_path / "cordis.zip", zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"folder/{MEMBERS[0]}")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename)
    data[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    item = next(item for item in expand([path]) if item.member == info.filename)
    with pytest.raises(InputFileError, match=rf"^{path}!{info.filename}: cannot be read"):
        item.data()
