"""Importing people from CSV: a preview that says, row by row, what will be created, merged
or rejected and why; an import that is all or nothing; files that cannot be read refused
with a message naming them. The files are invented, in the layouts of bilat's template and
of the registration exports of Indico and pretix."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from bilat.coordination.audit.models import Change
from bilat.coordination.events import imports
from bilat.coordination.events.models import Registration
from bilat.coordination.stakeholders.models import Person
from bilat.errors import CoordinationError

from conftest import TESTDATA
from factories import make_editor, make_event, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]
FILES = TESTDATA / "coordination"


def preview(name: str) -> imports.Preview:
    return imports.read(name, (FILES / name).read_bytes())


def test_the_template_preview_says_what_each_row_will_do_and_why():
    make_person(
        "ben@example.org",
        first_name="Benjamin",
        last_name="Sample",
        organisation="great lakes state university",
    )
    found = preview("people-template.csv")
    assert found.layout == "template"
    assert [(r.line, r.action, r.reason) for r in found.rows] == [
        (2, "create", ""),
        # Same e-mail as a person in the directory, whatever its case: what changes is listed
        # (the organisation is the same one, whatever its case).
        (
            3,
            "merge",
            "first name: Benjamin → Ben; position: (blank) → Director,\nOffice of Research",
        ),
        (5, "reject", "email: 'not-an-address' is not an e-mail address"),  # line 3 holds 2
        (6, "reject", "country: 'Atlantis' is not a country bilat knows"),
        (7, "reject", "email: same e-mail as line 2"),
        (8, "reject", "name: first and last name are both needed"),
        (
            9,
            "reject",
            "sector: 'laboratory' is not one of funding, university, research, "
            "sme, company, policy, association, other",
        ),
        (
            10,
            "reject",
            "consents: 'spam' is not one of registration, directory, newsletter, speaker, meetings",
        ),
    ]
    assert found.counts == {"create": 1, "merge": 1, "reject": 6}
    assert found.rows[1].data is not None
    assert found.rows[1].data.position == "Director,\nOffice of Research"
    assert not Person.objects.filter(email="ada@example.org").exists()  # a preview writes nothing


def test_applying_creates_and_merges_the_accepted_rows():
    ben = make_person("ben@example.org", first_name="Benjamin")
    done = imports.apply(None, preview("people-template.csv"))
    assert done == {"created": 1, "merged": 1}
    ada = Person.objects.get(email="ada@example.org")
    assert (ada.country, ada.side, ada.organisation.sector) == ("DE", "EU", "university")
    assert ada.consents() == {"registration", "directory"}
    assert sorted(t.name for t in ada.themes.all()) == [
        "computer and information sciences",
        "health sciences",
    ]
    ben.refresh_from_db()
    assert (ben.first_name, ben.country) == ("Ben", "US")
    assert Person.objects.count() == 2


def test_indico_and_pretix_exports_are_read():
    indico = preview("indico-registrations.csv")
    assert indico.layout == "indico"
    assert [(r.action, r.email, r.reason) for r in indico.rows] == [
        ("create", "hana@example.org", ""),
        ("create", "ivo@example.org", ""),
        ("reject", "", "email: missing"),
    ]
    hana = indico.rows[0].data
    assert hana is not None
    assert (hana.first_name, hana.last_name, hana.organisation) == (
        "Hana",
        "Example",
        "Pacific Coast Climate Lab",
    )
    pretix = preview("pretix-orders.csv")
    assert pretix.layout == "pretix"
    assert [(r.email, r.data.first_name, r.data.country) for r in pretix.rows if r.data] == [
        ("kim@example.org", "Kim", "US"),
        ("lea@example.org", "Lea", "DE"),
    ]


def test_an_import_into_an_event_registers_people_all_or_nothing():
    roomy = make_event(capacity=10)
    imports.apply(None, preview("pretix-orders.csv"), event=roomy)
    assert roomy.registrations.count() == 2
    tight = make_event(capacity=1, waiting_list=False)
    before = (Person.objects.count(), Registration.objects.count(), Change.objects.count())
    with pytest.raises(CoordinationError, match="is full"):
        imports.apply(None, preview("indico-registrations.csv"), event=tight)
    after = (Person.objects.count(), Registration.objects.count(), Change.objects.count())
    assert after == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "members.csv is empty."),
        (b"name;mail\nAda;ada@example.org\n", "members.csv: line 1 has none of the headers"),
        (b"first_name,last_name,email,consents\n", "members.csv has a header but no rows."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_naming_it(content: bytes, message: str):
    with pytest.raises(CoordinationError, match=message):
        imports.read("members.csv", content)


def test_a_row_with_too_many_fields_is_rejected_with_its_line():
    content = b"first_name,last_name,email,consents\nAda,Example,ada@example.org,,extra\n"
    [row] = imports.read("members.csv", content).rows
    assert (row.line, row.action, row.reason) == (2, "reject", "5 fields instead of 4")


def test_a_windows_1252_file_is_read_and_says_so():
    content = "first_name,last_name,email,consents\nJosé,Peña,jose@example.org,\n".encode("cp1252")
    found = imports.read("excel.csv", content)
    assert found.rows[0].data is not None and found.rows[0].data.last_name == "Peña"
    assert found.notes == ["excel.csv is not UTF-8; it was read as Windows-1252 (Excel's default)."]


def test_the_import_page_previews_then_imports_on_confirmation():
    make_editor()
    client = Client()
    client.login(username="editor", password="editor-password")
    with (FILES / "people-template.csv").open("rb") as upload:
        page = client.post("/coordination/import/", {"file": upload})
    assert page.status_code == 200
    html = page.content.decode()
    assert "same e-mail as line 2" in html and 'id="n-reject">6<' in html
    assert not Person.objects.exists()
    done = client.post("/coordination/import/", {"confirm": "1", "event": ""}, follow=True)
    assert "Imported people-template.csv: 2 created." in done.content.decode()
    assert Person.objects.count() == 2


def test_a_malformed_upload_gets_the_message_and_changes_nothing(tmp_path):
    make_editor()
    client = Client()
    client.login(username="editor", password="editor-password")
    bad = tmp_path / "malformed.csv"
    bad.write_bytes(b"name;mail\nAda;ada@example.org\n")
    with bad.open("rb") as upload:
        page = client.post("/coordination/import/", {"file": upload})
    assert "malformed.csv: line 1 has none of the headers" in page.content.decode()
    assert not Person.objects.exists()


def test_the_cli_previews_then_imports():
    from click.testing import CliRunner

    from bilat.cli import main

    path = str(FILES / "people-template.csv")
    dry = CliRunner().invoke(main, ["import-people", path, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 to create, 0 to merge, 6 rejected." in dry.output
    assert not Person.objects.exists()
    refused = CliRunner().invoke(main, ["import-people", path], input="n\n")
    assert refused.exit_code == 1 and not Person.objects.exists()
    event = make_event()
    done = CliRunner().invoke(main, ["import-people", path, "--yes", "--event", event.slug])
    assert done.exit_code == 0, done.output
    assert "Imported: 2 created, 2 registered" in done.output
    assert event.registrations.count() == 2
    wrong = CliRunner().invoke(main, ["import-people", path, "--event", "nope"])
    assert wrong.exit_code == 2 and "no event has the slug 'nope'" in wrong.output


def test_an_import_for_an_ended_full_event_confirms_everyone_and_marks_who_came():
    """Recording who took part after the event: no waiting list (nobody would ever get the
    place), and the file's check-in column marks them, line by line."""
    day = date.today() - timedelta(days=5)
    event = make_event(starts=day, ends=day, capacity=1)
    event.waiting_list = True
    event.save(update_fields=["waiting_list"])
    text = (
        "First Name,Last Name,Email Address,Affiliation,Country,Checked in\n"
        "Ann,One,ann@example.org,Lab,US,Yes\n"
        "Bob,Two,bob@example.org,Lab,US,No\n"
        "Cy,Three,cy@example.org,Lab,US,\n"
    )
    found = imports.read("indico.csv", text.encode())
    assert [r.attended for r in found.rows] == [True, False, None]
    done = imports.apply(None, found, event=event)
    assert done == {"created": 3, "registered": 3, "attendance marked": 2}
    rows = event.registrations.order_by("pk")
    assert [(r.status, r.attended) for r in rows] == [
        ("confirmed", True),
        ("confirmed", False),
        ("confirmed", None),
    ]


def test_a_check_in_value_that_is_neither_yes_nor_no_is_rejected_with_its_line():
    text = (
        "first_name,last_name,email,organisation,country,sector,position,themes,consents,attended\n"
        "Ann,One,ann@example.org,Lab,US,research,,,registration,maybe\n"
    )
    [row] = imports.read("people.csv", text.encode()).rows
    assert (row.line, row.action, row.reason) == (
        2,
        "reject",
        "attended: 'maybe' is not yes, no or a check-in time",
    )
