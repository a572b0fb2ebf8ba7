"""The outcome report of one event: counts by side, sector, country and organisation type
that match the registrations, an agenda that names only the speakers who agreed, the
recommendations from the event; from the CLI and for editors on the web."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from click.testing import CliRunner
from django.test import Client

from bilat.cli import main
from bilat.coordination.events import report
from bilat.coordination.events.models import Session
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.recommendations.models import Recommendation
from bilat.coordination.recommendations.operations import create_recommendation

from factories import make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]


@pytest.fixture
def workshop():
    """Two US university people (one came) and one German SME person (came); one speaker
    agreed to be named, the other did not; one recommendation."""
    day = date.today() - timedelta(days=3)
    event = make_event(title="Oceans workshop", starts=day, ends=day, outcome="Agreed a plan.")
    people = [
        make_person(country="US", sector="university", first_name="Uma", last_name="One"),
        make_person(country="US", sector="university", first_name="Udo", last_name="Two"),
        make_person(
            country="DE",
            sector="sme",
            consents=("registration", "speaker"),
            first_name="Greta",
            last_name="Named",
        ),
    ]
    rows = [register(None, event, person, source="test", after_end=True) for person in people]
    mark_attendance(None, event, {rows[0].pk: True, rows[1].pk: False, rows[2].pk: True})
    session = Session.objects.create(event=event, day=day, starts=time(9), title="Opening")
    session.speakers.set([people[1], people[2]])
    recommendation = create_recommendation(
        None,
        Recommendation(
            title="Share ocean data",
            text="t",
            barrier="data",
            addressee="both",
            owner="Working group",
        ),
    )
    recommendation.source_events.add(event)
    return event


def test_the_report_counts_who_took_part_and_names_only_consenting_speakers(workshop):
    document = report.build(workshop)
    tables = {t.title: t.data.to_pylist() for t in document.tables}
    assert tables["Registrations and attendance by side"] == [
        {"side": "US side", "registered": 2, "attended": 1},
        {"side": "EU side", "registered": 1, "attended": 1},
    ]
    assert tables["Registrations and attendance by country"] == [
        {"country": "United States", "registered": 2, "attended": 1},
        {"country": "Germany", "registered": 1, "attended": 1},
    ]
    assert tables["Agenda"] == [
        {
            "date": f"{workshop.starts.isoformat()} 09:00",
            "session": "Opening",
            "speakers": "Greta Named (Example sme in DE)",
        }
    ]
    assert [r["title"] for r in tables["Recommendations from the event"]] == ["Share ocean data"]
    [figure] = document.figures
    assert figure.svg.count('aria-roledescription="bar"') == 2
    summary = document.chapters[0].blocks[0].text
    assert (
        "had 3 registrations and 2 participants: 1 from the EU side and 1 from the US side, "
        "from 2 countries."
    ) in summary
    html = "".join(str(block) for chapter in document.chapters for block in chapter.blocks)
    assert "Udo" not in html and "Uma" not in html


def test_the_cli_and_the_web_write_the_outcome_report(workshop, tmp_path):
    target = tmp_path / "outcome.html"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "event-outcome",
            "--event",
            workshop.slug,
            "--format",
            "html",
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Oceans workshop" in target.read_text() and "Agreed a plan." in target.read_text()
    missing = CliRunner().invoke(main, ["report", "event-outcome", "--format", "html"])
    assert missing.exit_code == 2 and "Missing option '--event'" in missing.output
    url = f"/coordination/events/{workshop.slug}/report.pdf"
    assert Client().get(url).status_code == 302
    editor = Client()
    editor.force_login(make_editor())
    response = editor.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # The downloads read no parameter: one they are given is refused by name, not ignored.
    for download in (url, f"/coordination/events/{workshop.slug}/registrations.csv"):
        refused = editor.get(download, {"registration": "1"})
        assert refused.status_code == 400, download
        assert "registration: this page has no such parameter" in refused.content.decode()
