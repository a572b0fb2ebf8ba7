"""The US state of each participation: evidence that disagrees is settled and counted."""

from __future__ import annotations

from pathlib import Path

from bilat.warehouse.ingest import ingest
from bilat.warehouse.states import CONFLICT
from bilat.warehouse.store import Warehouse

from conftest import TESTDATA

MICHIGAN = 999843603  # THE UNIVERSITY OF MICHIGAN, all 9 HE rows with the ZIP "46109 1274"


def test_a_mistyped_zip_does_not_move_the_university_of_michigan_to_indiana(
    bundled: Warehouse,
) -> None:
    rows = bundled.query(
        """SELECT city, us_state, us_state_basis, count(*) AS n FROM participations
           WHERE pic = ? GROUP BY ALL""",
        [MICHIGAN],
    )
    # The ZIP prefix 461 is Indiana's; the city (Ann Arbor) and the name (Michigan) outvote it.
    assert rows == [{"city": "Ann Arbor", "us_state": "MI", "us_state_basis": "city", "n": 9}]


def test_every_conflict_of_zip_and_place_is_counted_with_what_was_taken(
    bundled: Warehouse,
) -> None:
    """The four addresses of the bundled US rows whose ZIP code and place disagree: two ZIP
    typos (outvoted by the city and the name) and two cities that exist in several states
    (Rochester MN and NY, Durham NH and NC), where the ZIP code stands."""
    found = {(w["value"], w["rows"]) for w in bundled.warnings() if w["warning"] == CONFLICT}
    assert found == {
        ("46109 1274 / Ann Arbor: ZIP code says IN, city says MI: MI taken", 9),
        ("98519-6012 / Sacramento: ZIP code says WA, city says CA: CA taken", 1),
        ("55905 / Rochester: ZIP code says MN, city says NY: MN taken", 2),
        ("03824 / Durham: ZIP code says NH, city says NC: NH taken", 2),
    }
    mayo = bundled.query("SELECT DISTINCT us_state FROM participations WHERE name = 'Mayo Clinic'")
    assert mayo == [{"us_state": "MN"}]


def test_rows_without_an_address_take_their_state_from_the_name_when_nothing_else(
    bundled: Warehouse,
) -> None:
    """8 US rows have neither post code nor city, and their organisations no other row; four
    names hold a place (Houston, Boston, Alabama), the other four stay unknown."""
    rows = bundled.query(
        """SELECT name, us_state, us_state_basis, count(*) AS n FROM participations
           WHERE country = 'US' AND post_code IS NULL AND city IS NULL GROUP BY ALL ORDER BY name"""
    )
    assert [(r["name"], r["us_state"], r["us_state_basis"], r["n"]) for r in rows] == [
        ("Boston College", "MA", "name", 2),
        ("Houston Methodist Hospital", "TX", "name", 1),
        ("Johnd Hopkins School of Medicine", None, None, 1),
        ("Laura Fantone", None, None, 1),
        ("New England Biolabs", None, None, 1),
        ("Quantum Design, Inc.", None, None, 1),
        ("The University of Alabama", "AL", "name", 1),
    ]


def test_a_row_without_an_address_takes_its_organisations_state(tmp_path: Path) -> None:
    """The real University of Chicago row, and the same organisation in a second project
    without post code or city (as the rows above): its other row says Illinois."""
    lines = (TESTDATA / "organization-quirks.csv").read_text("utf-8").split("\n")
    chicago = "\n".join(lines[2:4])  # the row holds a newline in its street
    assert chicago.startswith("101109916;SimViRNA;993760054;")
    fields = chicago.replace("S ELLIS AVE 5801\nROOM 503", "").split(";")
    fields[0], fields[9], fields[10] = "101109917", "", ""  # projectID, postCode, city
    table = tmp_path / "organization.csv"
    table.write_text("\n".join([*lines[:-1], ";".join(fields), ""]), "utf-8")
    target = tmp_path / "w.duckdb"
    ingest([table], warehouse=target, programme="HE")
    rows = Warehouse(target).query(
        """SELECT project_id, us_state, us_state_basis FROM participations
           WHERE pic = 993760054 ORDER BY project_id"""
    )
    assert rows == [
        {"project_id": 101109916, "us_state": "IL", "us_state_basis": "zip"},
        {"project_id": 101109917, "us_state": "IL", "us_state_basis": "organisation"},
    ]
