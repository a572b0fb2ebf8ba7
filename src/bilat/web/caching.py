"""Conditional GET for the observatory: an ETag on the warehouse version, 304 when unchanged.

Every observatory page, download and API answer is a function of its address and the
warehouse file, which only changes by being swapped whole by an ingest. So the ETag of an
answer is a digest of the address, the file's identity (`Warehouse.generation`) and the code
that renders it; a client that sends the tag back (`If-None-Match`) gets 304 Not Modified
before any indicator is computed. Signed-in visitors are left out: their pages carry their
name and a form token. So are the coordination pages, which change with every edit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response

import bilat
from bilat.errors import WarehouseMissingError
from bilat.serving import warehouse

# The addresses whose answers depend only on the address and the warehouse.
OBSERVATORY = (
    "/country/",
    "/organisation/",
    "/project/",
    "/explore/",
    "/export/",
    "/report/",
    "/sources/",
    "/partners",
    "/assets/vega.js",
    "/api/indicators",
    "/api/participations",
    "/api/projects",
    "/api/organisations",
    "/api/partners",
)


@cache
def code_version() -> str:
    """Identifies the code serving (its version and its files' modification times), so that
    a new release or an edited template does not answer 304 with an old page."""
    package = Path(bilat.__file__).parent
    latest = max(path.stat().st_mtime_ns for path in package.rglob("*") if path.is_file())
    return f"{bilat.__version__}:{latest}"


def etag(request: HttpRequest) -> str | None:
    """The tag of the answer to `request`, or None when the answer may vary otherwise."""
    if request.method not in ("GET", "HEAD"):
        return None
    path = request.path
    if path != "/" and not path.startswith(OBSERVATORY):
        return None
    if "messages" in request.COOKIES or request.user.is_authenticated:
        return None
    try:
        generation = warehouse().generation
    except WarehouseMissingError:
        return None
    key = f"{code_version()}|{generation}|{request.get_full_path()}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


class WarehouseETagMiddleware:
    """Answer 304 to a conditional GET whose tag still matches; tag every 200 answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tag = etag(request)
        if tag is None:
            return self.get_response(request)
        unchanged = get_conditional_response(request, etag=tag)
        if unchanged is not None:
            unchanged["ETag"] = tag
            unchanged["Cache-Control"] = "no-cache"
            return unchanged
        response = self.get_response(request)
        if response.status_code == 200 and not response.has_header("ETag"):
            response["ETag"] = tag
            if not response.has_header("Cache-Control"):
                # Stored, but asked again each time: the tag makes asking cheap.
                response["Cache-Control"] = "no-cache"
        return response
