"""A crawler that uses the site the way a visitor clicks: it follows the same-site links of
the pages it reaches and submits every option of every filter form, one option at a time.

The forms are read from the served HTML, so the crawl follows the forms as they change; it
needs only a way to fetch a URL (Django's test client in the tests, plain HTTP against a
running server from the command line: `python tests/crawl.py http://127.0.0.1:8000`).
"""

from __future__ import annotations

import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

# Paths never followed: the admin needs a login, the API's JSON is checked by schemathesis,
# logging out and the vega bundle are not pages.
SKIPPED = ("/admin/", "/accounts/logout/", "/assets/")
# Downloads and reports: one of each file and format is enough (reports take seconds each).
DOWNLOADS = ("/export/", "/report/")
LISTINGS = ("/explore/",)


@dataclass(frozen=True)
class Answer:
    """What the server answered: status, content type and body text (HTML only)."""

    status: int
    content_type: str
    text: str = ""
    error: str = ""  # the exception behind a 5xx, where the fetcher can see it
    location: str = ""  # where a redirect leads (a browser follows it: so does the crawl)


Fetch = Callable[[str], Answer]


@dataclass
class Form:
    """A GET form: where it goes, and its controls as (name, value) choices."""

    action: str
    fixed: list[tuple[str, str]] = field(default_factory=list)  # text, hidden, search inputs
    chosen: list[tuple[str, str]] = field(default_factory=list)  # selected options, checked boxes
    choices: list[tuple[str, str]] = field(default_factory=list)  # every option and box


class _Reader(HTMLParser):
    """Links and GET forms of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._option: dict[str, str | None] | None = None
        self._option_text = ""
        self._first_option: tuple[str, str] | None = None
        self._selected_seen = False
        self._multiple = False

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = dict(attributes)
        if tag == "a" and attrs.get("href"):
            self.links.append(str(attrs["href"]))
        elif tag == "form":
            get = (attrs.get("method") or "get").lower() == "get"
            self._form = Form(action=attrs.get("action") or "") if get else None
        elif self._form is not None:
            self._control(tag, attrs)

    def _control(self, tag: str, attrs: dict[str, str | None]) -> None:
        assert self._form is not None
        name = attrs.get("name")
        if tag == "select" and name:
            self._select, self._first_option = name, None
            self._selected_seen, self._multiple = False, "multiple" in attrs
        elif tag == "option" and self._select:
            self._option, self._option_text = attrs, ""
        elif tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            value = attrs.get("value") or ""
            if kind in ("checkbox", "radio"):
                value = attrs.get("value") or "on"
                self._form.choices.append((name, value))
                if "checked" in attrs:
                    self._form.chosen.append((name, value))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self._form.fixed.append((name, value))

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select and self._form:
            value = self._option.get("value")
            pair = (self._select, self._option_text.strip() if value is None else value)
            self._form.choices.append(pair)
            if "selected" in self._option and (self._multiple or not self._selected_seen):
                self._form.chosen.append(pair)
                self._selected_seen = True
            if self._first_option is None:
                self._first_option = pair
            self._option = None
        elif tag == "select" and self._form is not None and self._select:
            # A single select sends its first option when none is marked selected.
            if not self._multiple and not self._selected_seen and self._first_option:
                self._form.chosen.append(self._first_option)
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def submissions(page_url: str, form: Form) -> Iterator[tuple[str, str]]:
    """Each submission that changes one control to one of its offered values, as (key, URL):
    the key names the page type, the control and the value, so that each option is tried
    once per type of page, whatever else was chosen on the page it was offered by."""
    target = urlsplit(urljoin(page_url, form.action))
    base = target._replace(query="", fragment="").geturl()
    for name, value in form.choices:
        values = [pair for pair in form.chosen if pair[0] != name] + [(name, value)]
        sent = [pair for pair in [*form.fixed, *values] if pair[1] != ""]
        yield f"{page_type(target.path)}?{urlencode([(name, value)])}", f"{base}?{urlencode(sent)}"


@dataclass
class Finding:
    """One answer that breaks what the page offered."""

    kind: str  # "5xx", "4xx via link", "4xx via option"
    url: str
    status: int
    source: str
    error: str = ""


@dataclass
class Crawl:
    """The result of a crawl: what broke, and how many requests of each kind were made."""

    findings: list[Finding] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    visited: list[str] = field(default_factory=list)  # every address fetched, in order
    seconds: float = 0.0

    def counts(self) -> Counter[str]:
        return Counter(finding.kind for finding in self.findings)


def page_type(path: str) -> str:
    """The path with its identifiers (codes, numbers) as `*`: /country/*/, /project/*/*/."""
    steps = path.split("/")
    return "/".join(
        "*" if any(c.isdigit() for c in step) or (step.isupper() and len(step) <= 5) else step
        for step in steps
    )


def shape(url: str) -> str:
    """The key under which a link's address counts as already visited."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if parts.path.startswith(DOWNLOADS) or "." in parts.path.rsplit("/", 1)[-1]:
        # A download is tried once per file and format: filters change its rows, not whether
        # it can be written (and a report takes seconds).
        return parts.path
    if parts.path.startswith(LISTINGS):
        # Sort orders and page numbers of a listing are alike beyond the first of each.
        query = [(n, v if n not in ("sort", "page") else "") for n, v in query]
    return parts.path + "?" + urlencode(sorted(query))


def same_site(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not parts.path.startswith(SKIPPED)


def offered(url: str, answer: Answer) -> Iterator[tuple[str, str, str]]:
    """The same-site links and form submissions a page offers, as (how, key, relative URL)."""
    page = read(answer.text)
    found = [("link", "", urljoin(url, href)) for href in page.links]
    for form in page.forms:
        found += [("option", key, submitted) for key, submitted in submissions(url, form)]
    for how, key, target in found:
        parts = urlsplit(target)
        relative = parts._replace(scheme="", netloc="", fragment="").geturl()
        if parts.netloc in ("", "testserver") and same_site(relative):
            yield how, key or shape(relative), relative


def crawl(
    fetch: Fetch,
    seeds: Iterable[str],
    *,
    limit: int = 2000,
    per_type: int = 20,
    within: tuple[str, ...] = ("/",),
    log: Callable[[str], None] | None = None,
) -> Crawl:
    """Fetch the seeds, then, breadth first, every same-site link and every form option they
    offer, until nothing new is offered or `limit` requests were made. Links lead to at most
    `per_type` addresses of one page type (organisations, projects, one explore table...);
    every option of every form is tried once per page type. Only paths that start with one
    of `within` are followed."""
    result = Crawl()
    started = time.monotonic()
    queue: deque[tuple[str, str, str]] = deque((url, "seed", "") for url in seeds)
    seen = {shape(url) for url, _, _ in queue}
    per: Counter[str] = Counter()
    while queue and sum(result.requests.values()) < limit:
        url, how, source = queue.popleft()
        answer = fetch(url)
        result.requests[how] += 1
        result.visited.append(url)
        if log is not None:
            log(f"{time.monotonic() - started:7.1f} {answer.status} {how} {url}")
        if answer.status >= 500:
            result.findings.append(Finding("5xx", url, answer.status, source, answer.error))
        elif answer.status >= 400:
            result.findings.append(Finding(f"4xx via {how}", url, answer.status, source))
        redirect = urlsplit(urljoin(url, answer.location))
        if answer.location and redirect.netloc in ("", "testserver"):
            target = redirect._replace(scheme="", netloc="", fragment="").geturl()
            if same_site(target) and target.startswith(within) and shape(target) not in seen:
                seen.add(shape(target))
                queue.append((target, "redirect", url))
        if not answer.content_type.startswith("text/html") or answer.status >= 400:
            continue
        for kind, key, target in offered(url, answer):
            kind_of = page_type(urlsplit(target).path)
            if not target.startswith(within) or key in seen:
                continue
            if kind == "link" and per[kind_of] >= per_type:
                continue
            seen.add(key)
            per[kind_of] += kind == "link"
            queue.append((target, kind, url))
    result.seconds = time.monotonic() - started
    return result


def http_fetch(root: str) -> Fetch:
    """Plain HTTP against a running server (for a look at a served site)."""
    import urllib.error
    import urllib.request

    def fetch(url: str) -> Answer:
        try:
            with urllib.request.urlopen(root.rstrip("/") + url, timeout=120) as response:
                kind = response.headers.get("Content-Type", "")
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            kind, body, status = error.headers.get("Content-Type", ""), error.read(), error.code
        text = body.decode("utf-8", "replace") if kind.startswith("text/html") else ""
        return Answer(status, kind, text)

    return fetch


if __name__ == "__main__":
    found = crawl(
        http_fetch(sys.argv[1]),
        ["/", "/country/US/"],
        limit=int(sys.argv[2]),
        per_type=int(sys.argv[3]) if len(sys.argv) > 3 else 2000,
    )
    for finding in found.findings:
        print(finding.kind, finding.status, finding.url, "from", finding.source)
    print(dict(found.requests), dict(found.counts()), f"{found.seconds:.0f} s")
