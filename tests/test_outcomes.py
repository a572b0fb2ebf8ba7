"""Outcomes in the data, on the bundled real CORDIS data: organisations that took part (by
confirmed PICs) first working together after the event, read against a plain query of the
warehouse; pairs that had a meeting; a comparison group of similar organisations that did not
attend; the sections of the outcome report and the series report, with no person named."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from click.testing import CliRunner
from django.test import Client

from bilat.cli import main
from bilat.coordination.events import report
from bilat.coordination.events.operations import mark_attendance, register
from bilat.coordination.meetings.operations import add, plan_of
from bilat.coordination.outcomes.analysis import BANDS, CAVEAT, _controls, outcome
from bilat.coordination.outcomes.report import ALONE, series
from bilat.coordination.reporting import write_report
from bilat.coordination.stakeholders.models import Person
from bilat.formatting import percent
from bilat.serving import warehouse

from factories import confirm_pic, make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
DAY = date(2022, 6, 15)
EU = {999853691: "DE", 999905101: "DE", 999991043: "DK"}  # Münster, Hamburg, Copenhagen
US = {998096827: "US", 992204077: "US", 999467340: "US"}  # MIT, Harvard, California


def _attendee(pic: int, country: str, first_name: str):
    person = make_person(
        country=country,
        first_name=first_name,
        last_name="Privatename",
        organisation=f"Organisation {pic}",
        consents=("registration", "meetings"),
    )
    return confirm_pic(person, pic)


@pytest.fixture
def held(site_warehouse):
    event = make_event(title="Materials workshop", starts=DAY, ends=DAY)
    people = {pic: _attendee(pic, c, f"P{pic}") for pic, c in (EU | US).items()}
    people[0] = make_person(country="FR", first_name="Nopic", organisation="Unmatched lab")
    absent = _attendee(998096536, "US", "Absent")  # Washington: registered, did not come
    registrations = {
        p.pk: register(None, event, p, source="test", notify=False, after_end=True)
        for p in [*people.values(), absent]
    }  # fmt: skip
    mark_attendance(None, event, {r.pk: r.person != absent for r in registrations.values()})
    plan = plan_of(event)
    add(None, plan, eu=people[999853691], us=people[998096827], slot=0, table="Table 1")
    add(None, plan, eu=people[999991043], us=people[999467340], slot=0, table="Table 2")
    return event


def _first_years() -> dict[tuple[int, int], int]:
    """Every EU-US pair of the attendees with the first year of their joint projects, read
    from the warehouse directly."""
    rows = warehouse().query(
        """SELECT a.pic AS eu, b.pic AS us, min(p.year) AS first
           FROM participations a JOIN participations b USING (programme, project_id)
           JOIN projects p USING (programme, project_id)
           WHERE a.pic IN (SELECT unnest(?::BIGINT[])) AND b.pic IN (SELECT unnest(?::BIGINT[]))
           GROUP BY ALL""",
        [list(EU), list(US)],
    )
    return {(r["eu"], r["us"]): r["first"] for r in rows}


def test_pairs_first_working_together_after_the_event_match_the_data(held):
    found = outcome([held])
    assert sorted(o.pic for o in found.organisations) == sorted(EU | US)
    assert found.without_pic == 1 and found.met_pairs == 9
    first = _first_years()
    expected = {pair for pair, year in first.items() if year > DAY.year}
    assert expected, "the bundled data should hold pairs first together after 2022"
    got = {(p.first.pic, p.second.pic) if p.first.side == "EU" else (p.second.pic, p.first.pic)
           for p in found.met_new}  # fmt: skip
    assert got == expected
    # Copenhagen and California worked together before the event: never "new".
    assert first[(999991043, 999467340)] <= DAY.year
    assert (999991043, 999467340) not in got
    for pair in found.met_new:
        assert pair.projects and all(
            p.year is not None and p.year > DAY.year for p in pair.projects
        )
    assert found.meeting_pairs == 2
    assert [(p.first.pic, p.second.pic) for p in found.meeting_new] == sorted(
        [tuple(sorted(pair)) for pair in expected & {(999853691, 998096827)}]
    )


def test_the_comparison_group_is_similar_organisations_that_did_not_attend(held):
    found = outcome([held])
    compared = found.comparison
    assert compared is not None and compared.controls > 0
    attending = {o.pic for o in found.organisations}
    assert not attending & set(compared.control_pics)
    assert 998096536 not in attending  # registered but absent: not an attendee
    rows = warehouse().query(
        "SELECT pic, country_iso, activity_type FROM organisations WHERE pic IN "
        "(SELECT unnest(?::BIGINT[]))",
        [list(compared.control_pics)],
    )
    kinds = warehouse().query(
        "SELECT DISTINCT country_iso, activity_type FROM organisations WHERE pic IN "
        "(SELECT unnest(?::BIGINT[]))",
        [sorted(attending)],
    )
    allowed = {(k["country_iso"], k["activity_type"]) for k in kinds}
    assert all((r["country_iso"], r["activity_type"]) in allowed for r in rows)
    eu = sum(1 for r in rows if r["country_iso"] != "US")
    assert compared.control_pairs == eu * (len(rows) - eu)
    assert 0 <= compared.control_new <= compared.control_pairs
    assert BANDS[0] == 0


def test_the_outcome_report_and_the_series_report_name_organisations_never_people(held):
    document = report.build(held)
    chapter = next(c for c in document.chapters if c.slug == "outcomes")
    text = " ".join(getattr(b, "text", "") for b in chapter.blocks)
    assert CAVEAT in text and "association, not proof" in text
    html = write_report(document, "html").decode()
    assert "Organisation 998096827" in html  # the organisation, by its directory name
    assert "Privatename" not in html and "Nopic" not in html
    numbers = [t.number for t in document.tables]
    assert numbers == list(range(1, len(numbers) + 1))
    whole = write_report(series(), "html").decode()
    assert "Materials workshop" in whole and "association, not proof" in whole
    assert "Privatename" not in whole


def test_editors_get_the_series_report_and_the_cli_writes_it(held, tmp_path):
    editor = Client()
    editor.force_login(make_editor())
    answer = editor.get("/coordination/outcomes.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert Client().get("/coordination/outcomes.pdf").status_code == 302
    refused = editor.get("/coordination/outcomes.html", {"event": "1"})
    assert refused.status_code == 400
    assert "event: this page has no such parameter" in refused.content.decode()
    target = tmp_path / "series.html"
    result = CliRunner().invoke(
        main, ["report", "series-outcome", "--format", "html", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "Series outcome report" in result.output and "Materials workshop" in target.read_text()


def test_the_series_shows_missing_not_zero_where_the_data_cannot_tell(held, tmp_path):
    """An event none of whose organisations has a confirmed PIC, and one later than the
    bundled CORDIS data (whose projects end in 2024), have no figure the data could give:
    "—" with the reason in a footnote, never 0, in the HTML and the PDF."""
    unmatched = make_event(title="Unmatched day", starts=date(2023, 3, 1), ends=date(2023, 3, 1))
    nopic = make_person(country="FR", first_name="Other", organisation="Another unmatched lab")
    later = make_event(title="Later day", starts=date(2025, 3, 1), ends=date(2025, 3, 1))
    came = [*held.registrations.filter(attended=True).values_list("person", flat=True)]
    for event, people in ((unmatched, [nopic]), (later, Person.objects.filter(pk__in=came))):
        for person in people:
            register(None, event, person, source="test", notify=False, after_end=True)
        mark_attendance(None, event, {r.pk: True for r in event.registrations.all()})
    assert warehouse().query("SELECT max(year) AS y FROM projects")[0]["y"] == 2024
    table = series().tables[0]
    cells = {row[0][0]: [text for text, _ in row[2:]] for row in table.rows}
    found = outcome([held])  # 3 EU and 3 US organisations with a PIC came: 9 EU-US pairs
    new = [str(len(found.met_new)), str(len(found.meeting_new))]
    assert cells["Materials workshop"] == ["6", "9", *new, ""] and new[0] != "0"
    assert cells["Unmatched day"] == ["—", "—", "—", "—", "a"]
    assert cells["Later day"] == ["6", "9", "—", "—", "b"]
    assert "(a) No organisation that took part has a confirmed CORDIS" in table.note
    assert "(b) The CORDIS data loaded here hold no project starting after" in table.note
    html = write_report(series(), "html").decode()
    assert "(b) The CORDIS data loaded here hold no project starting after the event" in html
    pdf = tmp_path / "series.pdf"
    pdf.write_bytes(write_report(series(), "pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True)
    assert "Later day" in text.stdout and "no project starting after the event" in text.stdout


def test_the_series_leaves_apart_the_pairs_that_met_later_than_the_data(held):
    """A pair that first met at an event later than the CORDIS data cannot have a joint
    project after it in the data yet: counted apart with the reason, never among the pairs
    that met and did not work together (which would lower the series' share)."""
    alone = outcome([held])
    later = make_event(title="Later day", starts=date(2025, 3, 1), ends=date(2025, 3, 1))
    french = warehouse().query(
        "SELECT min(pic) AS pic FROM organisations WHERE country_iso = 'FR'"
    )[0]["pic"]
    newcomers = [
        _attendee(french, "FR", "Newcomer"),
        Person.objects.get(first_name="Absent"),  # Washington: came to the later day only
    ]
    came = [*Person.objects.filter(registrations__event=held, registrations__attended=True)]
    for person in [*came, *newcomers]:
        register(None, later, person, source="test", notify=False, after_end=True)
    mark_attendance(None, later, {r.pk: True for r in later.registrations.all()})
    found = outcome([held, later])
    # 4 EU and 4 US organisations: 16 EU-US pairs, of which the 9 of the first event can
    # be read; the 7 with a newcomer met on 1 March 2025, after the last project's start.
    assert (found.met_pairs, found.unread_pairs, found.read_pairs) == (16, 7, 9)
    assert found.met_new == alone.met_new and found.meeting_new == alone.meeting_new
    assert found.meeting_pairs == alone.meeting_pairs
    compared = found.comparison
    assert compared is not None
    assert (compared.attending_pairs, compared.attending_new) == (9, len(alone.met_new))
    assert not {french, 998096536} & set(compared.control_pics)  # attendees: no controls
    document = series()
    groups = next(t for t in document.tables if t.title == "Attendees and comparison group")
    attended = [text for text, _ in groups.rows[0]]
    assert attended[2:] == ["9", str(len(alone.met_new)), percent(len(alone.met_new) / 9)]
    assert "7 EU-US pairs that first met at an event later than the CORDIS data" in groups.note
    html = write_report(document, "html").decode()
    assert "7 EU-US pairs that first met at an event later than the CORDIS data" in html
    assert f"Of the 9 EU-US pairs that met early enough to be read, {len(alone.met_new)}" in html


def test_a_series_counts_each_pair_once_from_the_first_event_both_attended(site_warehouse):
    """Three events with different attendees (the bundled data's joint projects: Münster-MIT
    one of 2023, Hamburg-Harvard one of 2023, Hamburg-California one of 2021, Copenhagen-
    California three of 2021-2022):

    - 15 June 2022: Münster (EU), MIT (US). Met: Münster-MIT.
    - 20 September 2022: Hamburg, Münster (EU), Harvard (US), who have a meeting with Hamburg.
      Met: Hamburg-Harvard, Münster-Harvard (Münster-MIT met already).
    - 1 March 2025, later than the data: Hamburg, Copenhagen (EU), Harvard, California (US).
      Met: Copenhagen-California, Copenhagen-Harvard, Hamburg-California (Hamburg-Harvard
      met in 2022 and counts once, from then).

    6 EU-US pairs met (not the 3 x 3 = 9 of every EU organisation with every US one: Hamburg
    and MIT, Copenhagen and MIT, never came to the same event), 3 of them in 2025 (not read),
    3 read; of those, Münster-MIT and Hamburg-Harvard (projects of 2023) first worked together
    after, Münster-Harvard did not: 2 of 3. The one meeting's pair is among the 2."""
    days = (date(2022, 6, 15), date(2022, 9, 20), date(2025, 3, 1))
    events = [make_event(title=f"Day {n}", starts=d, ends=d) for n, d in enumerate(days, 1)]
    munster, hamburg, copenhagen = 999853691, 999905101, 999991043
    mit, harvard, california = 998096827, 992204077, 999467340
    people = {pic: _attendee(pic, c, f"P{pic}") for pic, c in (EU | US).items()}
    came = [[munster, mit], [hamburg, munster, harvard], [hamburg, copenhagen, harvard, california]]
    for event, pics in zip(events, came, strict=True):
        for pic in pics:
            register(None, event, people[pic], source="test", notify=False, after_end=True)
        mark_attendance(None, event, {r.pk: True for r in event.registrations.all()})
    add(None, plan_of(events[1]), eu=people[hamburg], us=people[harvard], slot=0, table="T1")
    found = outcome(events)
    assert (found.met_pairs, found.unread_pairs, found.read_pairs) == (6, 3, 3)
    assert [(p.first.pic, p.second.pic, p.since) for p in found.met_new] == [
        (harvard, hamburg, days[1]),
        (mit, munster, days[0]),
    ]
    assert found.meeting_pairs == 1
    assert [(p.first.pic, p.second.pic) for p in found.meeting_new] == [(harvard, hamburg)]
    assert [(p.first.pic, p.second.pic) for p in found.together_after] == [
        (harvard, hamburg),
        (mit, munster),
    ]
    compared = found.comparison
    assert compared is not None and (compared.attending_pairs, compared.attending_new) == (3, 2)
    assert not set(EU | US) & set(compared.control_pics)
    # The comparison pairs the comparison organisations of each pair that met (picked for
    # the date it met), one's with the other's: not every EU comparison organisation with
    # every US one, which would pair Hamburg's with MIT's.
    picked = _controls({days[0]: [munster, mit], days[1]: [hamburg, munster, harvard]}, EU | US)
    met = [(munster, mit, days[0]), (hamburg, harvard, days[1]), (munster, harvard, days[1])]
    expected = {
        (min(x, y), max(x, y))
        for a, b, day in met
        for x in picked[(a, day)]
        for y in picked[(b, day)]
    }
    assert compared.control_pairs == len(expected)
    assert set(compared.control_pics) == {pic for chosen in picked.values() for pic in chosen}
    eu = set(picked[(munster, days[0])] + picked[(hamburg, days[1])] + picked[(munster, days[1])])
    us = set(picked[(mit, days[0])] + picked[(harvard, days[1])])
    assert compared.control_pairs < len(eu) * len(us)
    document = series()
    per_event = {row[0][0]: [text for text, _ in row[2:]] for row in document.tables[0].rows}
    assert per_event == {
        "Day 1": ["2", "1", "1", "0", ""],
        "Day 2": ["3", "2", "1", "1", ""],
        "Day 3": ["4", "4", "—", "—", "b"],
    }  # 1 + 2 + 4 = 7: Hamburg-Harvard is in the rows of days 2 and 3, once in the series
    assert document.tables[0].note.startswith(ALONE)
    groups = next(t for t in document.tables if t.title == "Attendees and comparison group")
    assert [text for text, _ in groups.rows[0]][1:] == ["6", "3", "2", percent(2 / 3)]
    assert groups.note.startswith("3 EU-US pairs that first met at an event later than")
    html = write_report(document, "html").decode()
    assert f"Of the 3 EU-US pairs that met early enough to be read, 2 ({percent(2 / 3)})" in html
