"""The coordination reports as their reader gets them (the HTML page, and the PDF's text as
`pdftotext` reads it): every figure of a summary is the total of the tables below it. The
activity report's reach of an event is its attendance (marked at the desk, never typed in),
so its events table and its reach tables tell the same story."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from bilat.coordination.awareness import report as activity_report
from bilat.coordination.awareness.models import Activity, Reach
from bilat.coordination.desk.checkin import check_in
from bilat.coordination.events import report as event_report
from bilat.coordination.events.operations import cancel, mark_attendance, register
from bilat.reports import make
from bilat.reports.document import Document

from factories import make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
PAST = date.today() - timedelta(days=12)

Tables = dict[str, list[dict[str, str]]]


class _Reader(HTMLParser):
    """The summary's findings and every table (caption → rows by header) of a report page."""

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[str] = []
        self.tables: Tables = {}
        self._text: list[str] | None = None
        self._caption = ""
        self._headers: list[str] = []
        self._row: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._headers = []
        elif tag == "tr":
            self._row = []
        elif tag in ("li", "caption", "th", "td"):
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row:
            self.tables[self._caption].append(dict(zip(self._headers, self._row, strict=True)))
        if tag not in ("li", "caption", "th", "td") or self._text is None:
            return
        text = " ".join("".join(self._text).split())
        self._text = None
        if tag == "li":
            self.findings.append(text)
        elif tag == "caption":
            self._caption = re.sub(r"^Table \d+\. ", "", text)
            self.tables[self._caption] = []
        elif tag == "th":
            self._headers.append(text)
        else:
            self._row.append(text)


def read_html(document: Document) -> tuple[str, Tables]:
    reader = _Reader()
    reader.feed(make.html(document))
    return " ".join(reader.findings), reader.tables


def read_pdf(document: Document) -> tuple[str, Tables]:
    """The PDF's text as pdftotext lays it out: the summary (up to the first table) as one
    line, and each table's rows: the lines with a figure in them (the PDF splits headers
    over lines, so their names are read from the HTML of the same document), with their
    figures read from the PDF and their words checked against the HTML's."""
    _, html_tables = read_html(document)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=make.pdf(document),
        capture_output=True,
        check=True,
    ).stdout.decode()
    lines = text.splitlines()
    tables: Tables = {}
    for at, line in enumerate(lines):
        caption = re.match(r"\s*Table \d+\. (.+?)\s*$", line)
        if not caption:
            continue
        title = caption.group(1)
        expected = iter(html_tables[title])
        tables[title] = []
        for entry in lines[at + 1 :]:
            if entry.strip().startswith("Source:"):
                break
            if not re.search(r"\d", entry):
                continue  # a header, split over lines
            # The figures, read from the right; the words before them are the HTML row's.
            html_row = next(expected)
            counts = [k for k, v in html_row.items() if re.fullmatch(r"[\d,]+", v)]
            words = entry.split()
            figures = dict(zip(counts, words[len(words) - len(counts) :], strict=True))
            labels = {k: v for k, v in html_row.items() if k not in figures}
            # (A long label may go on over the next line: its first words are on this one.)
            said = words[: len(words) - len(counts)]
            assert set(said) <= set(" ".join(labels.values()).split()), (said, labels)
            tables[title].append(labels | figures)
        assert next(expected, None) is None, title
    start = text.index("1. Summary", text.index("1. Summary") + 1)  # past the contents
    summary = text[start : text.index("Table 1.")]
    return re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(summary.split())), tables


def total(rows: list[dict[str, str]], column: str) -> int:
    return sum(int(row[column].replace(",", "")) for row in rows)


def number(found: re.Match[str], group: int) -> int:
    return int((found.group(group) or "0").replace(",", ""))


@pytest.fixture
def workshop():
    """A past workshop of six places: eight people from four countries; six got a place,
    two wait; one cancelled after a waiting person took the place; four came (one checked
    in at the desk), one was marked present and then absent again."""
    event = make_event(title="Grid workshop", starts=PAST, ends=PAST, capacity=6)
    event.waiting_list = True
    event.save(update_fields=["waiting_list"])
    people = [
        make_person(country="US", sector="university"),
        make_person(country="US", sector="research", organisation="Lab A"),
        make_person(country="US", sector="company", organisation="Corp B"),
        make_person(country="DE", sector="sme", organisation="Firma C"),
        make_person(country="FR", sector="university", organisation="Univ D"),
        make_person(country="PT", sector="research", organisation="Inst E"),
        make_person(country="DE", sector="university", organisation="Univ F"),
        make_person(country="US", sector="funding", organisation="Fund G"),
    ]
    # Registered before it ended (the waiting list is open then); read back in their order.
    event.ends = event.starts = date.today() + timedelta(days=1)
    event.save(update_fields=["starts", "ends"])
    rows = [register(None, event, person, source="test") for person in people]
    rows.append(register(None, event, make_person(country="CA"), source="test"))
    cancel(None, rows[5])  # the first waiting person (rows[6]) takes the place
    event.ends = event.starts = PAST
    event.save(update_fields=["starts", "ends"])
    rows = list(event.registrations.order_by("pk"))
    assert [r.status for r in rows].count("waiting") == 2
    mark_attendance(None, event, {rows[0].pk: True, rows[1].pk: True, rows[3].pk: True})
    mark_attendance(None, event, {rows[2].pk: True})
    mark_attendance(None, event, {rows[2].pk: False, rows[4].pk: False})
    check_in(None, rows[6])
    return event


EVENT_SUMMARY = re.compile(
    r"had ([\d,]+) registrations? and ([\d,]+) participants?: ([\d,]+) from the EU side and "
    r"([\d,]+) from the US side, from ([\d,]+) countr(?:y|ies)\."
    r"(?: ([\d,]+) (?:person|people) stayed on the waiting list\.)?"
)


@pytest.mark.parametrize("read", [read_html, read_pdf], ids=["html", "pdf"])
def test_the_event_reports_summary_is_the_total_of_its_tables(workshop, read):
    summary, tables = read(event_report.build(workshop))
    found = EVENT_SUMMARY.search(summary)
    assert found, summary
    registered, attended, eu, us, countries, waiting = (number(found, g) for g in range(1, 7))
    assert (registered, attended, waiting) == (6, 4, 2)  # counted in the fixture's story
    for dimension in ("side", "sector", "country", "organisation type"):
        rows = tables[f"Registrations and attendance by {dimension}"]
        assert total(rows, "Registered") == registered, dimension
        assert total(rows, "Attended") == attended, dimension
        assert total(rows, "Waiting") == waiting, dimension
    sides = {
        row["Side"]: int(row["Attended"]) for row in tables["Registrations and attendance by side"]
    }
    assert (sides["EU side"], sides["US side"]) == (eu, us)
    by_country = tables["Registrations and attendance by country"]
    assert countries == sum(1 for row in by_country if int(row["Attended"]))


ACTIVITY_SUMMARY = re.compile(
    r"logged ([\d,]+) awareness-raising activit(?:y|ies), which reached ([\d,]+) people "
    r"\(([\d,]+) on the EU side, ([\d,]+) on the US side\) and ([\d,]+) organisations\. "
    r"It held ([\d,]+) events?(?: \(([\d,]+) more are planned in the period\))?, attended by "
    r"([\d,]+) (?:person|people)\."
)


@pytest.mark.parametrize("read", [read_html, read_pdf], ids=["html", "pdf"])
def test_the_activity_reports_summary_is_the_total_of_its_tables(workshop, read):
    newsletter = Activity.objects.create(kind="newsletter", title="Letter", date=PAST)
    Reach.objects.create(
        activity=newsletter, side="US", sector="funding", people=40, organisations=9
    )
    make_event(title="Planned workshop", starts=date.today() + timedelta(days=20))
    summary, tables = read(
        activity_report.build(PAST - timedelta(days=5), PAST + timedelta(days=40))
    )
    found = ACTIVITY_SUMMARY.search(summary)
    assert found, summary
    activities, people, eu, us, organisations, held, planned, attended = (
        number(found, g) for g in range(1, 9)
    )
    by_kind = tables["Activities by kind"]
    every = tables["Every activity of the period"]
    reach = tables["Reach by side and sector"]
    events = tables["Events, registrations and attendance"]
    assert activities == total(by_kind, "Activities") == len(every) == 2
    assert people == total(by_kind, "People") == total(every, "People") == total(reach, "People")
    assert organisations == total(every, "Organisations") == total(reach, "Organisations")
    assert eu == sum(int(r["People"]) for r in reach if r["Side"] == "EU side")
    assert us == sum(int(r["People"]) for r in reach if r["Side"] == "US side")
    assert held + planned == len(events) and (held, planned) == (1, 1)
    assert attended == total(events, "Attended") == 4
    # The event's reach is its attendance: the same people, by side, in both tables.
    [event_row] = [r for r in every if r["Kind"] == "Event"]
    assert int(event_row["People"]) == attended
    assert eu == total(events, "Attended, EU side")
    assert us - 40 == total(events, "Attended, US side")
