"""Awareness raising: reach taken from attendance, and the activity report of a period (its
tables checked against counts made here), from the CLI and the web, as HTML and A4 PDF."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from django.test import Client
from pypdf import PdfReader

from bilat.cli import main
from bilat.coordination.awareness import report
from bilat.coordination.awareness.models import Activity, Reach
from bilat.coordination.awareness.operations import reach_from_attendance
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.recommendations.operations import create_recommendation
from bilat.errors import CoordinationError
from bilat.reports import make

from factories import make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
PAST = date.today() - timedelta(days=10)


@pytest.fixture
def workshop():
    """A past workshop: 3 US university people and 1 EU SME person registered; the SME
    person and one of the university people came."""
    event = make_event(title="Oceans workshop", starts=PAST, ends=PAST)
    people = [make_person(country="US", sector="university") for _ in range(3)]
    people.append(make_person(country="DE", sector="sme"))
    rows = [register(None, event, person, source="test", after_end=True) for person in people]
    mark_attendance(None, event, {r.pk: i in (0, 3) for i, r in enumerate(rows)})
    return event


def test_reach_from_attendance_counts_who_came_by_side_and_sector(workshop):
    activity = Activity.objects.create(kind="event", title="Oceans", date=PAST, event=workshop)
    reach_from_attendance(None, activity)
    rows = {(r.side, r.sector): (r.people, r.organisations) for r in activity.reach.all()}
    assert rows == {("US", "university"): (1, 1), ("EU", "sme"): (1, 1)}


def test_reach_from_attendance_needs_an_event():
    activity = Activity.objects.create(kind="newsletter", title="News", date=PAST)
    with pytest.raises(CoordinationError, match="not linked to an event"):
        reach_from_attendance(None, activity)


def log_newsletter() -> Activity:
    newsletter = Activity.objects.create(kind="newsletter", title="Newsletter 1", date=PAST)
    Reach.objects.create(
        activity=newsletter, side="US", sector="funding", people=40, organisations=12
    )
    Reach.objects.create(
        activity=newsletter, side="EU", sector="university", people=60, organisations=30
    )
    return newsletter


def test_the_report_tables_add_up_the_log_of_the_period(workshop):
    log_newsletter()
    Activity.objects.create(kind="talk", title="Long ago", date=PAST - timedelta(days=400))
    create_recommendation(
        None,
        Recommendation(
            title="Ease visas", text="t", barrier="mobility", addressee="US", owner="Attachés"
        ),
    )
    document = report.build(PAST - timedelta(days=30), date.today())
    by_title = {t.title: t.data.to_pylist() for t in document.tables}
    assert by_title["Activities by kind"] == [
        {"kind": "Newsletter", "activities": 1, "people": 100}
    ]
    assert by_title["Reach by side and sector"] == [
        {"side": "EU side", "sector": "University", "people": 60, "organisations": 30},
        {"side": "US side", "sector": "Funding body", "people": 40, "organisations": 12},
    ]
    [figure] = document.figures  # one bar per side and sector reached
    assert figure.svg.count('aria-roledescription="bar"') == 2
    assert 'aria-label="People reached: 60; Sector: University; Side: EU side"' in figure.svg
    [event_row] = by_title["Events, registrations and attendance"]
    assert (event_row["registered"], event_row["attended"]) == (4, 2)
    assert (event_row["eu_side"], event_row["us_side"]) == (1, 1)
    assert [r["title"] for r in by_title["Recommendations written in the period"]] == ["Ease visas"]
    summary = document.chapters[0].blocks[0].text
    assert (
        "logged 1 awareness-raising activity, which reached 100 people (60 on the EU "
        "side, 40 on the US side) and 42 organisations. It held 1 event"
    ) in summary
    assert "attended by 2 people" in summary


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(CoordinationError, match="ends \\(2026-01-01\\) before it starts"):
        report.build(date(2026, 2, 1), date(2026, 1, 1))


def test_the_report_is_an_a4_pdf_and_names_nobody(workshop, tmp_path):
    log_newsletter()
    names = [r.person.last_name for r in workshop.registrations.all()]
    document = report.build(PAST - timedelta(days=30), PAST)
    pdf = PdfReader(io.BytesIO(make.pdf(document)))
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    assert (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)) == (210, 297)
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Awareness raising and events:\nactivity report" in text
    assert "Figure 1. People reached by sector and side" in text
    assert not any(name in text for name in names)


def test_the_cli_writes_the_awareness_report(workshop, tmp_path):
    target = tmp_path / "awareness.html"
    start = (PAST - timedelta(days=1)).isoformat()
    result = CliRunner().invoke(
        main,
        [
            "report",
            "awareness",
            "--from",
            start,
            "--to",
            PAST.isoformat(),
            "--format",
            "html",
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Oceans workshop" in target.read_text()
    wrong = CliRunner().invoke(main, ["report", "awareness", "--format", "xlsx"])
    assert wrong.exit_code == 2 and "'xlsx' is not one of 'pdf', 'html'" in wrong.output


def test_only_editors_download_the_report_and_a_bad_period_is_a_400(workshop):
    url = "/coordination/awareness/report.html"
    assert Client().get(url, {"start": "2026-01-01", "end": "2026-12-31"}).status_code == 302
    editor = Client()
    editor.force_login(make_editor())
    page = editor.get(url, {"start": PAST.isoformat(), "end": PAST.isoformat()})
    assert page.status_code == 200 and "Oceans workshop" in page.content.decode()
    bad = editor.get(url, {"start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 400 and "before it starts" in bad.content.decode()
