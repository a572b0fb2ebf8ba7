"""Every funding-scheme code found in the real files has a deliberate group."""

from __future__ import annotations

import csv
from pathlib import Path

from bilat.cordis.schemes import (
    DELIBERATELY_OTHER,
    DELIBERATELY_OTHER_FAMILIES,
    scheme_group,
    why_other,
)

from conftest import DATA, TESTDATA

# Horizon Europe's action-grant codes, documented with the real files (CORDIS.md) but in no
# project row at hand: generic action grants, budget-based, unit-cost and lump-sum.
HE_ACTION_GRANTS = ("HORIZON-AG", "HORIZON-AG-UN", "HORIZON-AG-LS")


def seen() -> dict[str, int]:
    """Each code of the real files, with its participations in the CORDIS extracts."""
    with (TESTDATA / "funding-schemes-seen.csv").open(encoding="utf-8", newline="") as handle:
        codes = {
            row["code"]: int(row["participations"]) for row in csv.DictReader(handle, delimiter=";")
        }
    reference = DATA / "reference" / "cordisref-projectFundingSchemeCategory.csv"
    with reference.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            codes.setdefault(row["code"], 0)
    for name, encoding in (
        ("cordis-fp7projects.csv", "cp1252"),
        ("cordis-h2020projects.csv", "cp1252"),
        ("he-project-invalid-fields.csv", "utf-8"),
    ):
        text = Path(TESTDATA / name).read_text(encoding).removeprefix("\ufeff")
        for row in csv.DictReader(text.splitlines(), delimiter=";"):
            codes.setdefault(row["fundingScheme"], 0)
    for code in HE_ACTION_GRANTS:
        codes.setdefault(code, 0)
    return codes


def test_no_code_of_the_real_files_lands_in_other_without_a_reason() -> None:
    codes = seen()
    assert len(codes) == 262
    undecided = sorted(c for c in codes if scheme_group(c) == "other" and why_other(c) is None)
    assert undecided == []


def test_every_deliberate_other_is_seen_and_really_other() -> None:
    codes = {code.upper() for code in seen()}
    assert set(DELIBERATELY_OTHER) <= codes
    for start in DELIBERATELY_OTHER_FAMILIES:
        assert any(code.startswith(start) for code in codes)
    assert {code: scheme_group(code) for code in DELIBERATELY_OTHER} == dict.fromkeys(
        DELIBERATELY_OTHER, "other"
    )


def test_fp7_joint_technology_initiatives_are_collaborative_research() -> None:
    """About a thousand FP7 participations of projects that started in 2014 (the JTI rows of
    `cordis-plus-2014.csv`: ARTEMIS 215, ENIAC 275, FCH 164, IMI 192, Clean Sky 161)."""
    codes = seen()
    jti = {code: n for code, n in codes.items() if code.startswith("JTI-") and n}
    groups = {code: scheme_group(code) for code in jti}
    assert groups == {
        "JTI-CP-ARTEMIS": "collaborative",
        "JTI-CP-ENIAC": "collaborative",
        "JTI-CP-FCH": "collaborative",
        "JTI-CP-IMI": "collaborative",
        "JTI-CS": "collaborative",
        "JTI-CSA-FCH": "coordination",
    }
    assert sum(n for code, n in jti.items() if groups[code] == "collaborative") == 1_007


def test_horizon_europe_action_grants_are_collaborative_research() -> None:
    assert [scheme_group(code) for code in HE_ACTION_GRANTS] == ["collaborative"] * 3
