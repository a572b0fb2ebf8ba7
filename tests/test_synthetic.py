"""The generator writes the current CORDIS format at the published sizes, deterministically,
with the real table's distributions; its output loads with the real ingest."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from bilat.synthetic import generate
from bilat.warehouse.store import Warehouse

from conftest import Generated
from rawdata import he_organisations

# Published table sizes (CORDIS.md): projects and participations per programme.
PUBLISHED = {"FP7": (25_785, 140_000), "H2020": (35_389, 178_000), "HE": (17_895, 110_390)}


@pytest.fixture(scope="module")
def full(full_scale: Generated) -> Warehouse:
    assert {label.rsplit("!", 1)[1] for label, _ in full_scale.skipped} == {"webLink.csv"}
    return Warehouse(full_scale.path)


@pytest.mark.slow
def test_full_scale_matches_the_published_sizes_within_one_percent(full: Warehouse) -> None:
    found = {
        row["programme"]: (row["projects"], row["participations"])
        for row in full.query(
            """SELECT programme, count(DISTINCT project_id) AS projects, count(*) AS
               participations FROM participation_facts GROUP BY programme"""
        )
    }
    for programme, (projects, participations) in PUBLISHED.items():
        assert found[programme][0] == pytest.approx(projects, rel=0.01)
        assert found[programme][1] == pytest.approx(participations, rel=0.01)
    records = {
        r["programme"]: r["n"]
        for r in full.query(
            "SELECT programme, count(*) AS n FROM projects WHERE has_project_record GROUP BY 1"
        )
    }
    assert records == {p: n for p, (n, _) in PUBLISHED.items()}


@pytest.mark.slow
def test_the_format_quirks_are_there_and_read(full: Warehouse) -> None:
    recovered = full.query("SELECT count(*) AS n FROM quarantine WHERE recovered")[0]["n"]
    assert recovered > 0  # rows split by unescaped quotes in objective, put back together
    assert full.query("SELECT count(*) AS n FROM quarantine WHERE NOT recovered") == [{"n": 0}]
    issues = full.query("SELECT count(*) AS n FROM value_issues")[0]["n"]
    assert issues == 0  # xxxxxxx placeholders are missing values, not errors
    newline = full.query(
        "SELECT count(*) AS n FROM participations WHERE name LIKE '%' || chr(10) || '%'"
    )
    assert newline[0]["n"] > 0


@pytest.mark.slow
def test_distributions_follow_the_real_table(full: Warehouse) -> None:
    real_share = sum(r["country"] == "US" for r in he_organisations()) / len(he_organisations())
    (row,) = full.query(
        """SELECT avg((country = 'US')::INTEGER) AS us, count(DISTINCT pic) AS pics,
                  count(*) AS rows FROM participation_facts"""
    )
    assert row["us"] == pytest.approx(real_share, abs=0.003)
    assert row["pics"] < row["rows"] / 5  # the same organisations take part again and again


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", scale="small", seed=3)
    second = generate(tmp_path / "b", scale="small", seed=3)
    other = generate(tmp_path / "c", scale="small", seed=4)

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    assert [digest(p) for p in first] == [digest(p) for p in second]
    assert [digest(p) for p in first] != [digest(p) for p in other]
    with zipfile.ZipFile(first[0]) as archive:
        header = archive.read("organization.csv").decode().splitlines()[0]
    assert header.startswith("projectID;projectAcronym;organisationID;vatNumber;name;")
