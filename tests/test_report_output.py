"""What a reader of a report sees: no page of the PDF left nearly empty (a source note or two
rows on a page of their own), no Markdown marks in the text, and an HTML report that the
browser shows styled, served by the site (under its Content-Security-Policy) or opened from
disk."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Browser, Response
from pypdf import PdfReader

from bilat.reports import make
from bilat.warehouse.store import Warehouse

from conftest import shot

# A page must hold at least this many lines besides its running header and footer.
LINES = 6
MARKDOWN = re.compile(r"\*\*|__|`|^#+ |\[[^\]]+\]\([^)]+\)", re.MULTILINE)


@pytest.mark.parametrize("name", ["us-participation", "cooperation-monitoring"])
def test_no_page_is_left_nearly_empty_and_no_markdown_shows(bundled: Warehouse, name: str) -> None:
    document = make.build(bundled, name)
    reader = PdfReader(io.BytesIO(make.pdf(document)))
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        body = [
            line
            for line in lines
            if line != f"{number} / {pages}"
            and not line.startswith("bilat · ")
            and not re.fullmatch(r"\d+\. [^.]+", line)  # the running header: the chapter
        ]
        assert len(body) >= LINES or number == pages, (name, number, body)
        assert not MARKDOWN.search(page.extract_text()), (name, number)
    text = re.sub(r"<[^>]+>", " ", make.html(document).split("</style>", 1)[1])
    assert not MARKDOWN.search(text), MARKDOWN.search(text)


def test_the_html_report_opens_in_the_browser_styled(
    client: Client, site: str, browser: Browser, tmp_path: Path
) -> None:
    address = "/report/us-participation.html?country=US&programme=HE"
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline;")
    page_html = response.content.decode()
    css = re.search(r"<style>(.*?)</style>", page_html, re.DOTALL)
    assert css
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode()).digest()).decode()
    policy = response["Content-Security-Policy"]
    assert f"'sha256-{digest}'" in policy and "unsafe-inline" not in policy
    # Self-contained: it loads nothing, so it reads the same opened from disk.
    assert not re.search(r"<(script|link|img)\b|\ssrc=", page_html)
    saved = tmp_path / "report.html"
    saved.write_bytes(response.content)
    for where in (f"{site}{address}", saved.as_uri()):
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors: list[str] = []

        def keep(answer: Response, found: list[str] = errors) -> None:
            # Whatever the report would load fails it; the browser's own favicon does not.
            if answer.status >= 400 and not answer.url.endswith("/favicon.ico"):
                found.append(f"{answer.status} {answer.url}")

        page.on("response", keep)
        page.goto(where, timeout=120_000)
        colour = page.evaluate("getComputedStyle(document.querySelector('h1')).color")
        assert colour == "rgb(0, 51, 153)", where  # the report's blue: its style sheet applies
        assert page.locator("figure svg").count() >= 3
        assert not errors, (where, errors)
        shot(page, "report-html-served" if where.startswith("http") else "report-html-disk")
        page.close()
