"""Documents editors upload to events: which types are accepted, how large, how they are served.

An uploaded file is served from the site's own origin, so a file a browser would run as a page
(HTML, SVG) would run with the site's rights. Only the declared types are accepted
(`BILAT_UPLOAD_TYPES`), each checked against its first bytes, up to `BILAT_UPLOAD_MAX_MB`;
every document leaves as an attachment with its declared content type (never one guessed from
its content), and the site's `X-Content-Type-Options: nosniff` keeps browsers from guessing.
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files import File
from django.http import FileResponse

_ZIP = (b"PK\x03\x04",)  # the Office Open XML and OpenDocument formats are zip files
_OLE = (b"\xd0\xcf\x11\xe0",)  # the older Office formats

# The types bilat knows how to serve safely: content type, and how the file must begin
# (empty: text, which must read as UTF-8).
KNOWN: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "doc": ("application/msword", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "csv": ("text/csv; charset=utf-8", ()),
    "txt": ("text/plain; charset=utf-8", ()),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def accepted_types(declared: str) -> tuple[str, ...]:
    """The extensions of a `BILAT_UPLOAD_TYPES` value, each one bilat knows how to serve."""
    found = tuple(part.strip().lower().lstrip(".") for part in declared.split(",") if part.strip())
    unknown = [kind for kind in found if kind not in KNOWN]
    if unknown:
        raise ImproperlyConfigured(
            f"BILAT_UPLOAD_TYPES: {', '.join(unknown)} cannot be accepted; "
            f"choose among {', '.join(KNOWN)}"
        )
    return found


def extension(name: str) -> str:
    """The file's type as its name gives it, lower case, without the dot."""
    return PurePath(name).suffix.lower().lstrip(".")


def check(upload: File) -> None:  # type: ignore[type-arg]
    """Refuse a file of a type not declared, too large, or whose bytes are not of its type."""
    kind = extension(upload.name or "")
    types: tuple[str, ...] = settings.BILAT_UPLOAD_TYPES
    if kind not in types:
        raise ValidationError(
            f"{upload.name}: .{kind or '(none)'} files are not accepted; "
            f"upload one of {', '.join('.' + t for t in types)}",
            code="type",
        )
    limit: int = settings.BILAT_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"{upload.name}: {upload.size / 1e6:.1f} MB is over the limit of {limit / 1e6:.0f} MB",
            code="size",
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    signatures = KNOWN[kind][1]
    if signatures and not head.startswith(signatures):
        raise ValidationError(
            f"{upload.name}: the content is not a {kind.upper()} file", code="content"
        )
    if not signatures and not _text(head):
        raise ValidationError(f"{upload.name}: the content is not UTF-8 text", code="content")


def _text(head: bytes) -> bool:
    """Whether the start of a file reads as UTF-8 (a character cut at the end is allowed)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3 and b"\x00" not in head
    return b"\x00" not in head


def serve(stored: File) -> FileResponse:  # type: ignore[type-arg]
    """A stored document as a download with its declared type; any other type as bytes."""
    name = PurePath(stored.name or "document").name
    content_type = KNOWN.get(extension(name), ("application/octet-stream", ()))[0]
    if extension(name) not in settings.BILAT_UPLOAD_TYPES:
        content_type = "application/octet-stream"  # uploaded before its type was refused
    stored.open("rb")
    return FileResponse(stored, as_attachment=True, filename=name, content_type=content_type)
