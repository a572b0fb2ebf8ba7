"""The secret key: given by the operator, or made at random on first start and kept.

Django signs sessions, CSRF tokens and password-reset links with it, so a key written in the
repository would let anyone forge them. When `BILAT_SECRET_KEY` is not set, bilat makes a
random key once, in a file only its owner may read (`BILAT_SECRET_KEY_FILE`, in the data
folder by default), and every later start reads the same key back.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def secret_key(given: str, path: Path) -> str:
    """`given` when set; else the key kept in `path`, made there on first use."""
    if given:
        return given
    if not path.exists():
        _make(path)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ImproperlyConfigured(
            f"{path}: the secret key file is empty; delete it to have one made"
        )
    return key


def _make(path: Path) -> None:
    """Write a new random key to `path`, unless another process has just done it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(50) + "\n")
    try:
        os.link(draft, path)  # whole or not at all, and never over a key already made
    except FileExistsError:
        pass
    finally:
        draft.unlink()
