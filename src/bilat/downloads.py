"""HTTP answers that carry a file: a table in an export format, or bytes already written.

Both sides of the site send files (the observatory's exports and reports, the coordination
side's lists, reports and personal-data exports), and every one leaves through `attachment`,
or `streamed` (a large CSV, sent as it is written), so each is named, typed and marked as a
download in the same way.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator
from typing import TypeVar

import pyarrow as pa
from django.http import HttpResponse, StreamingHttpResponse

from bilat import exports
from bilat.errors import ParameterError

Response = TypeVar("Response", HttpResponse, StreamingHttpResponse)
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def attachment(data: bytes, fmt: str, stem: str) -> HttpResponse:
    """A file to download, named `stem.fmt`."""
    return _named(HttpResponse(data, content_type=CONTENT_TYPES[fmt]), fmt, stem)


def shown(data: bytes, fmt: str, stem: str) -> HttpResponse:
    """A file the browser shows rather than saves (an HTML report), named `stem.fmt` should
    the reader save it. An HTML page's own style sheets are let in by their hash (the site's
    policy refuses inline styles); the report has no script and loads nothing, so it reads
    the same opened from disk."""
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'inline; filename="{stem}.{fmt}"'
    if fmt == "html":
        page = data.decode("utf-8")
        styles = [
            "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
            for css in re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
        ]
        response._csp_update = {"style-src": styles}  # type: ignore[attr-defined]
    return response


def report_file(data: bytes, fmt: str, stem: str) -> HttpResponse:
    """A written report: the HTML opened in the browser, a PDF or workbook downloaded."""
    return shown(data, fmt, stem) if fmt == "html" else attachment(data, fmt, stem)


def download(
    table: pa.Table, fmt: str, stem: str, *, titles: Callable[[str], str] | None = None
) -> HttpResponse:
    """The table as a file in the asked format, named after what it holds; `titles` heads
    the columns of a workbook."""
    export_format(fmt)
    return attachment(exports.write(table, fmt, name=stem, titles=titles), fmt, stem)


def streamed(pieces: Iterator[bytes], fmt: str, stem: str) -> StreamingHttpResponse:
    """A file sent piece by piece as it is written (a large CSV), named `stem.fmt`."""
    return _named(StreamingHttpResponse(pieces, content_type=CONTENT_TYPES[fmt]), fmt, stem)


def _named(response: Response, fmt: str, stem: str) -> Response:
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def export_format(fmt: str) -> None:
    """Refuse a format that is not one of the export formats, saying which are."""
    if fmt not in exports.FORMATS:
        raise ParameterError(
            "format", f"{fmt!r} is not an export format; use csv, xlsx, json or parquet"
        )
