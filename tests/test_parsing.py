"""Parsing: how a file's encoding is told, checked against Python's own UTF-8 decoder."""

from __future__ import annotations

import random

from bilat.cordis.parsing import _valid_utf8


def decodes(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_utf8_is_told_as_pythons_decoder_tells_it() -> None:
    pieces = [
        b"a;b\n",
        "é€𝄞".encode(),
        b"\xe9",  # Windows-1252 é
        b"\xed\xa0\x80",  # a surrogate, which UTF-8 may not carry
        b"\xc0\xaf",  # an overlong slash
        b"\xf4\x90\x80\x80",  # beyond U+10FFFF
        "𝄞".encode()[:3],  # a character cut short
        b"\xef\xbb\xbf",
        b"\x00",
    ]
    generator = random.Random(15)
    samples = [b"", *pieces]
    for _ in range(2000):
        samples.append(b"".join(generator.choices(pieces, k=generator.randint(1, 12))))
    told = [(_valid_utf8(raw), decodes(raw)) for raw in samples]
    assert all(ours == python for ours, python in told)
    assert {python for _, python in told} == {True, False}  # both kinds were tried
