"""Each CORDIS layout and each real quirk loads correctly, with every row accounted for."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from bilat.warehouse.ingest import ingest
from bilat.warehouse.store import Warehouse

from conftest import DATA, TESTDATA


def load(tmp_path: Path, *paths: Path, programme: str | None = None) -> Warehouse:
    target = tmp_path / "w.duckdb"
    ingest(list(paths), warehouse=target, programme=programme)
    return Warehouse(target)


def fixture_rows(name: str, encoding: str = "utf-8") -> list[dict[str, str]]:
    text = (TESTDATA / name).read_bytes().decode(encoding).removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_rows_split_by_unescaped_quotes_are_recovered_with_their_text(tmp_path: Path) -> None:
    warehouse = load(tmp_path, TESTDATA / "he-project-invalid-fields.csv")
    [source] = warehouse.sources()
    assert (source["rows_read"], source["rows_loaded"], source["rows_recovered"]) == (4, 4, 2)
    kept = warehouse.quarantine()
    assert [(row["line"], row["recovered"]) for row in kept] == [(2, True), (3, True)]
    assert "22 fields instead of 20" in kept[0]["reason"]
    toy = warehouse.query(
        "SELECT objective, grant_doi, total_cost FROM project_records WHERE project_id = 101165535"
    )[0]
    assert 'used to "play around" with different features' in toy["objective"]
    assert toy["objective"].endswith("trustworthiness of DL in society.")
    assert toy["grant_doi"] == "10.3030/101165535"
    supa = warehouse.query("SELECT total_cost FROM project_records WHERE project_id = 101177315")
    assert supa[0]["total_cost"] == Decimal("2494217.50")  # comma decimals


def test_xlsx_chunks_of_one_table_load_together(tmp_path: Path) -> None:
    warehouse = load(tmp_path, TESTDATA / "he-organization-xlsx", programme="HE")
    sources = warehouse.sources()
    assert [s["encoding"] for s in sources] == ["xlsx", "xlsx"]
    rows = sum(s["rows_loaded"] for s in sources)
    count = warehouse.query("SELECT count(*) AS n FROM participations")[0]["n"]
    assert count == rows == 1998
    lines = warehouse.query(
        "SELECT min(source_line) AS a, max(source_line) AS b FROM participation_rows"
    )[0]
    assert lines == {"a": 2, "b": 1000}


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is(tmp_path: Path) -> None:
    """Files are told by their content: a real xlsx part renamed `organization.csv` loads
    its 999 rows as the same part named `.xlsx` does (it was refused as 'zero bytes')."""
    renamed = tmp_path / "in" / "organization.csv"
    renamed.parent.mkdir()
    renamed.write_bytes((TESTDATA / "he-organization-xlsx" / "organization_1.xlsx").read_bytes())
    warehouse = load(tmp_path, renamed, programme="HE")
    (source,) = warehouse.sources()
    assert (source["encoding"], source["rows_loaded"]) == ("xlsx", 999)


def test_quirks_load_and_bad_values_are_kept_with_file_line_and_field(tmp_path: Path) -> None:
    warehouse = load(tmp_path, TESTDATA / "organization-quirks.csv", programme="HE")
    [source] = warehouse.sources()
    assert (source["rows_read"], source["rows_loaded"], source["rows_quarantined"]) == (6, 5, 1)
    [kept] = warehouse.quarantine()
    assert kept["reason"] == "no projectID" and kept["line"] == 5
    assert kept["raw_text"].startswith(";MOBASC;999467340;")
    issues = {
        (i["line"], i["field"]): (i["raw_value"], i["reason"]) for i in warehouse.value_issues()
    }
    assert issues[(6, "ecContribution")][0] == "12O00"
    assert issues[(6, "contentUpdateDate")] == (
        "2023-02-30 16:11:19",
        "not a date and time (YYYY-MM-DD HH:MM:SS)",
    )
    chicago = warehouse.query(
        "SELECT street, source_line FROM participations WHERE pic = 993760054"
    )[0]
    assert chicago == {"street": "S ELLIS AVE 5801\nROOM 503", "source_line": 3}
    spanish = warehouse.query(
        "SELECT street, country_iso FROM participations WHERE pic = 885546175"
    )[0]
    assert spanish["street"] == "C/ Maximiliano Thous, 20; 1º.(entresuelo) Pta.B"
    assert spanish["country_iso"] == "ES"
    assert {(w["warning"], w["value"], w["rows"]) for w in warehouse.warnings()} == {
        ("unknown country code", "ZZ", 1)
    }


@pytest.mark.parametrize("prefix", ["cordis-fp7", "cordis-h2020"])
def test_legacy_single_files_with_bom_cp1252_and_comma_decimals(
    tmp_path: Path, prefix: str
) -> None:
    warehouse = load(
        tmp_path, TESTDATA / f"{prefix}projects.csv", TESTDATA / f"{prefix}organizations.csv"
    )
    raw = fixture_rows(f"{prefix}organizations.csv", "cp1252")
    programme = "FP7" if "fp7" in prefix else "H2020"
    for source in warehouse.sources():
        body = Path(source["path"]).read_bytes().removeprefix(b"\xef\xbb\xbf")
        expected = "cp1252" if any(byte > 127 for byte in body) else "utf-8"  # ASCII is UTF-8
        assert source["encoding"] == expected
    assert {s["programme"] for s in warehouse.sources()} == {programme}
    found = warehouse.query("""SELECT count(*) AS n, sum(ec_contribution) AS ec,
                                      count(*) FILTER (WHERE ec_contribution IS NULL) AS missing
                               FROM participations""")[0]
    amounts = [r["ecContribution"] for r in raw]
    assert found["n"] == len(raw)
    assert found["ec"] == sum(Decimal(a.replace(",", ".")) for a in amounts if a and a != "xxxxxxx")
    assert found["missing"] == sum(1 for a in amounts if not a or a == "xxxxxxx")
    assert warehouse.value_issues() == []  # a placeholder is missing, not an error
    names = {r["name"] for r in warehouse.query("SELECT name FROM participations")}
    assert names == {r["name"] for r in raw}


def test_fp7_placeholder_and_accented_names(tmp_path: Path) -> None:
    warehouse = load(
        tmp_path, TESTDATA / "cordis-fp7projects.csv", TESTDATA / "cordis-fp7organizations.csv"
    )
    rows = warehouse.query("SELECT name, role FROM participations WHERE pic = 999869114")
    assert rows == [{"name": "Universität Innsbruck", "role": "coordinator"}]
    parts = warehouse.query(
        "SELECT DISTINCT pillar, programme_part FROM projects WHERE project_id = 200186"
    )
    assert parts == [{"pillar": "People", "programme_part": "Marie Curie Actions"}]


def test_dashboard_export_dates_roles_and_partner_types(tmp_path: Path) -> None:
    warehouse = load(tmp_path, TESTDATA / "dashboard-export-2021-extract.csv")
    text = (TESTDATA / "dashboard-export-2021-extract.csv").read_text("utf-8")
    raw = list(csv.DictReader(io.StringIO(text, newline="")))
    roles = {
        r["role"]: r["n"]
        for r in warehouse.query("SELECT role, count(*) AS n FROM participations GROUP BY 1")
    }
    expected: dict[str, int] = {}
    for row in raw:
        role = (
            "thirdParty"
            if row["partner_type"] == "THIRDPARTY"
            else "internationalPartner"
            if row["partner_type"] == "INTERNATIONAL_PARTNER"
            else row["partner_role"].lower()
        )
        expected[role] = expected.get(role, 0) + 1
    assert roles == expected
    project = warehouse.query(
        "SELECT start_date, signature_date, scheme_group FROM projects WHERE project_id = 101039118"
    )[0]
    assert str(project["start_date"]) == "2022-01-01"  # 01/01/2022, day first
    assert str(project["signature_date"]) == "2021-11-29"
    assert project["scheme_group"] == "coordination"
    assert {s["programme"] for s in warehouse.sources()} == {"H2020"}


def test_a_zip_is_read_by_content_and_unused_tables_are_skipped(tmp_path: Path) -> None:
    archive = tmp_path / "cordis-HORIZONprojects-csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(TESTDATA / "he-project-invalid-fields.csv", "project.csv")
        zipped.write(TESTDATA / "organization-quirks.csv", "organization.csv")
        zipped.writestr("webLink.csv", "id;projectID;physUrl\n1;101165535;https://example.org\n")
    target = tmp_path / "w.duckdb"
    report = ingest([archive], warehouse=target)
    assert {item.layout.kind for item in report.loaded} == {"project", "organization"}
    assert report.skipped == [(f"{archive}!webLink.csv", "a CORDIS table bilat does not use")]
    sources = Warehouse(target).sources()
    assert {(s["kind"], s["programme"]) for s in sources} == {
        ("project", "HE"),
        ("organization", "HE"),
    }


def test_a_lone_organization_file_needs_its_programme(tmp_path: Path) -> None:
    from bilat.errors import ProgrammeUndeterminedError

    with pytest.raises(ProgrammeUndeterminedError, match=r"organization-quirks\.csv.*--programme"):
        ingest([TESTDATA / "organization-quirks.csv"], warehouse=tmp_path / "w.duckdb")


def test_bundled_data_folder_has_what_the_readme_promises() -> None:
    names = {path.name for path in DATA.rglob("*") if path.is_file()}
    assert {
        "organization.csv.gz",
        "legalBasis.csv.gz",
        "topics.csv.gz",
        "euroSciVoc.csv.gz",
        "README.md",
    } <= names
