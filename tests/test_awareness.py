"""Awareness raising: reach that follows attendance by itself (desk, sheet, import, admin),
and the activity report of a period (its tables checked against counts made here), from the
CLI and the web, as HTML and A4 PDF."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from django.test import Client
from pypdf import PdfReader

from bilat.cli import main
from bilat.coordination.audit.models import Change
from bilat.coordination.awareness import report
from bilat.coordination.awareness.forms import ActivityForm
from bilat.coordination.awareness.models import Activity, Reach
from bilat.coordination.awareness.operations import follow_attendance
from bilat.coordination.desk.checkin import check_in
from bilat.coordination.events import imports
from bilat.coordination.events.operations import cancel, mark_attendance, register
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


def reach_of(event) -> dict[tuple[str, str], tuple[int, int]]:
    [activity] = Activity.objects.filter(event=event)
    return {(r.side, r.sector): (r.people, r.organisations) for r in activity.reach.all()}


def test_marking_attendance_logs_the_event_with_its_reach_by_side_and_sector(workshop):
    [activity] = Activity.objects.filter(event=workshop)
    assert (activity.kind, activity.title, activity.date) == ("event", "Oceans workshop", PAST)
    assert reach_of(workshop) == {("US", "university"): (1, 1), ("EU", "sme"): (1, 1)}


def test_reach_follows_every_mark_and_unmark_and_a_cancellation(workshop):
    rows = list(workshop.registrations.order_by("pk"))
    mark_attendance(None, workshop, {rows[1].pk: True, rows[2].pk: True})
    # Three US university people of the same organisation, one EU SME person.
    assert reach_of(workshop) == {("US", "university"): (3, 1), ("EU", "sme"): (1, 1)}
    mark_attendance(None, workshop, {rows[3].pk: None, rows[1].pk: False})
    assert reach_of(workshop) == {("US", "university"): (2, 1)}
    cancel(None, rows[2])
    assert reach_of(workshop) == {("US", "university"): (1, 1)}
    mark_attendance(None, workshop, {rows[0].pk: False})
    assert reach_of(workshop) == {}  # nobody came: the log says so, it keeps the activity


def test_following_attendance_twice_changes_and_logs_nothing_more(workshop):
    [activity] = Activity.objects.filter(event=workshop)
    logged = Change.objects.filter(model="awareness.activity").count()
    before = list(activity.reach.values_list("pk", "people"))
    follow_attendance(None, workshop)
    assert (
        mark_attendance(None, workshop, {r.pk: r.attended for r in workshop.registrations.all()})
        == 0
    )
    assert list(activity.reach.values_list("pk", "people")) == before
    assert Change.objects.filter(model="awareness.activity").count() == logged
    assert Activity.objects.filter(event=workshop).count() == 1


def test_an_event_nobody_attended_is_not_logged():
    event = make_event(starts=PAST, ends=PAST)
    registration = register(None, event, make_person(), source="test", after_end=True)
    mark_attendance(None, event, {registration.pk: False})
    assert not Activity.objects.filter(event=event).exists()


def test_the_desk_and_an_import_move_the_reach_too(workshop):
    absent = workshop.registrations.filter(attended=False).order_by("pk").first()
    assert check_in(None, absent)
    assert reach_of(workshop)[("US", "university")] == (2, 1)
    text = (
        "first_name,last_name,email,organisation,country,sector,position,themes,consents,attended\n"
        "Ina,Imported,ina@example.org,Sea Lab,US,research,,,registration,yes\n"
        f"{absent.person.first_name},{absent.person.last_name},{absent.person.email},,US,"
        "university,,,registration,no\n"
    )
    done = imports.apply(None, imports.read("came.csv", text.encode()), event=workshop)
    assert done == {"created": 1, "merged": 1, "registered": 1, "attendance marked": 2}
    assert reach_of(workshop) == {
        ("US", "university"): (1, 1),
        ("US", "research"): (1, 1),
        ("EU", "sme"): (1, 1),
    }


def test_an_editor_marking_attendance_in_the_admin_moves_the_reach(workshop):
    editor = Client()
    editor.force_login(make_editor())
    registration = workshop.registrations.filter(attended=True, side="EU").get()
    url = f"/admin/events/registration/{registration.pk}/change/"
    form = {
        "event": workshop.pk,
        "person": registration.person_id,
        "status": "confirmed",
        "attended": "false",
        "source": registration.source,
        "answers-TOTAL_FORMS": "0",
        "answers-INITIAL_FORMS": "0",
    }
    answer = editor.post(url, form)
    assert answer.status_code == 302, re.findall(r"errorlist.{0,300}", answer.content.decode())
    assert reach_of(workshop) == {("US", "university"): (1, 1)}


def test_the_log_has_no_button_per_row_and_its_old_address_is_gone(workshop):
    editor = Client()
    editor.force_login(make_editor())
    Activity.objects.create(kind="newsletter", title="Later letter", date=date.today())
    page = editor.get("/coordination/awareness/").content.decode()
    [activity] = Activity.objects.filter(event=workshop)
    log = page.split("<h2>Log</h2>")[1]
    assert "Oceans workshop" in log and "<button" not in log
    assert log.index("Later letter") < log.index("Oceans workshop")  # newest first
    gone = editor.post(f"/coordination/awareness/{activity.pk}/reach-from-attendance/")
    assert gone.status_code == 404


def test_the_log_shows_an_activity_without_reach_as_not_recorded_never_zero(workshop):
    editor = Client()
    editor.force_login(make_editor())
    Activity.objects.create(kind="newsletter", title="Letter without reach", date=date.today())
    log = editor.get("/coordination/awareness/").content.decode().split("<h2>Log</h2>")[1]
    row = re.search(
        r"<tr><td>[^<]*</td><td>[^<]*</td><td><a [^>]*>Letter without reach.*?</tr>", log, re.S
    )
    assert row is not None
    numbers = re.findall(r'<td class="num">(.*?)</td>', row.group(0))
    assert numbers == ['<span title="No reach recorded">—</span>'] * 2
    # The workshop's reach (two attendees from two organisations) is shown as recorded.
    workshop_row = re.search(r"Oceans workshop.*?</tr>", log, re.S)
    assert workshop_row is not None
    assert re.findall(r'<td class="num">(\d+)</td>', workshop_row.group(0)) == ["2", "2"]


def test_an_event_cannot_be_logged_twice_in_the_admin(workshop):
    form = ActivityForm(
        {"kind": "talk", "title": "Again", "date": PAST.isoformat(), "event": workshop.pk}
    )
    assert not form.is_valid()
    assert form.errors["event"] == ["Oceans workshop is logged already, as 'Oceans workshop'."]


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
        {"kind": "Newsletter", "activities": 1, "people": 100},
        {"kind": "Event", "activities": 1, "people": 2},
    ]
    assert by_title["Reach by side and sector"] == [
        {"side": "EU side", "sector": "SME", "people": 1, "organisations": 1},
        {"side": "EU side", "sector": "University", "people": 60, "organisations": 30},
        {"side": "US side", "sector": "Funding body", "people": 40, "organisations": 12},
        {"side": "US side", "sector": "University", "people": 1, "organisations": 1},
    ]
    [figure] = document.figures  # one bar per side and sector reached
    assert figure.svg.count('aria-roledescription="bar"') == 4
    assert 'aria-label="People reached: 60; Sector: University; Side: EU side"' in figure.svg
    [event_row] = by_title["Events, registrations and attendance"]
    assert (event_row["registered"], event_row["attended"]) == (4, 2)
    assert (event_row["eu_side"], event_row["us_side"]) == (1, 1)
    assert [r["title"] for r in by_title["Recommendations written in the period"]] == ["Ease visas"]
    summary = document.chapters[0].blocks[0].text
    assert (
        "logged 2 awareness-raising activities, which reached 102 people (61 on the EU "
        "side, 41 on the US side) and 44 organisations. It held 1 event"
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
    # Opened in the browser, as the observatory's HTML reports are, styled by its own sheet.
    assert page["Content-Disposition"].startswith("inline;")
    assert "'sha256-" in page["Content-Security-Policy"]
    bad = editor.get(url, {"start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 400 and "before it starts" in bad.content.decode()
    unreadable = editor.get(url, {"start": "someday", "end": "2026-01-01"})
    assert unreadable.status_code == 400
    assert "start: Enter a valid date." in unreadable.content.decode()
    # A parameter the report does not read is named as typed, not taken for a missing start.
    for query in ({"from": ""}, {"from": "2026-01-01", "to": "2026-12-31"}):
        typed = editor.get(url, query)
        assert typed.status_code == 400
        assert "from: this page has no such parameter; use start, end" in typed.content.decode()
        assert "start: This field is required" not in typed.content.decode()
    # Without a period, this year's report, as the log page shows this year.
    assert editor.get(url).status_code == 200
