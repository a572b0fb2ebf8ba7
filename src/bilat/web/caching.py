"""Conditional GET for the observatory: an ETag on the warehouse version, 304 when unchanged.

Every observatory page, download and API answer is a function of its address and the
warehouse file, which only changes by being swapped whole by an ingest. So the ETag of an
answer is a digest of the address, the file's identity (`Warehouse.generation`) and the code
that renders it; a client that sends the tag back (`If-None-Match`) gets 304 Not Modified
before any indicator is computed. Signed-in visitors are left out: their pages carry their
name and a form token. So are the coordination pages, which change with every edit.

The same tag names the answer for every visitor, so the process also keeps the last answers
it rendered (`Answers`, bounded in count and bytes): a page that anyone has seen since the
last ingest is sent again without being rendered. A new warehouse gives new tags, and the old
answers are never asked for again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response

import bilat
from bilat.errors import WarehouseMissingError, WarehouseOutdatedError
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
    """Identifies the code serving and its settings (its version, its files' modification
    times, bilat's settings), so that a new release, an edited template or a changed limit
    does not answer 304 with an old page."""
    package = Path(bilat.__file__).parent
    latest = max(path.stat().st_mtime_ns for path in package.rglob("*") if path.is_file())
    chosen = sorted(
        (name, repr(getattr(settings, name))) for name in dir(settings) if name.startswith("BILAT_")
    )
    return f"{bilat.__version__}:{latest}:{chosen}"


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
        # forget() (the benchmark's "nothing remembered") gives new tags, as it gives
        # new keys to every other cache built on the reader.
        generation = (warehouse().generation, warehouse().forgotten)
    except (WarehouseMissingError, WarehouseOutdatedError):
        return None  # the page says what to do; it is not kept
    key = f"{code_version()}|{generation}|{request.get_full_path()}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Answer:
    """A rendered 200 answer: its body and headers, sent again as a new response."""

    content: bytes
    headers: tuple[tuple[str, str], ...]

    def response(self) -> HttpResponse:
        found = HttpResponse(self.content)
        for name, value in self.headers:
            found[name] = value
        return found


class Answers:
    """The last answers rendered, by tag: at most `entries` of them and `size` bytes in all,
    each of at most `largest` bytes (a large download is not kept)."""

    def __init__(
        self, *, entries: int = 500, size: int = 64_000_000, largest: int = 2_000_000
    ) -> None:
        self.entries, self.size, self.largest = entries, size, largest
        self._kept: OrderedDict[str, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, tag: str) -> Answer | None:
        with self._lock:
            found = self._kept.get(tag)
            if found is not None:
                self._kept.move_to_end(tag)
            return found

    def keep(self, tag: str, response: HttpResponseBase) -> None:
        """Keep a plain 200 answer that sets no cookie (a cookie is the visitor's own)."""
        if (
            not isinstance(response, HttpResponse)
            or response.streaming
            or response.cookies
            or len(response.content) > self.largest
        ):
            return
        answer = Answer(
            response.content,
            tuple((k, v) for k, v in response.headers.items() if k.lower() != "content-length"),
        )
        with self._lock:
            if tag in self._kept:
                return
            self._kept[tag] = answer
            self._bytes += len(answer.content)
            while len(self._kept) > self.entries or self._bytes > self.size:
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= len(dropped.content)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0


ANSWERS = Answers()


class WarehouseETagMiddleware:
    """Answer 304 to a conditional GET whose tag still matches; send again an answer kept
    under the same tag; tag (and keep) every 200 answer."""

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
        kept = ANSWERS.get(tag) if request.method == "GET" else None
        if kept is not None:
            return kept.response()
        response = self.get_response(request)
        if response.status_code == 200 and not response.has_header("ETag"):
            response["ETag"] = tag
            if not response.has_header("Cache-Control"):
                # Stored, but asked again each time: the tag makes asking cheap.
                response["Cache-Control"] = "no-cache"
            if request.method == "GET":
                ANSWERS.keep(tag, response)
        return response
