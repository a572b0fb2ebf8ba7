"""Parameters shared by every indicator: countries, groups, programmes and their errors,
across all three programmes."""

from __future__ import annotations

from collections import Counter

import pytest

from bilat import indicators
from bilat.errors import ParameterError
from bilat.warehouse.store import Warehouse

from rawdata import country_status, he_organisations, he_status_in_force, legacy_rows


def test_iso_and_cordis_codes_and_names_name_the_same_country(bundled: Warehouse) -> None:
    for aliases in (("UK", "GB", "united kingdom"), ("EL", "GR", "Greece")):
        tables = [indicators.headline(bundled, country=code) for code in aliases]
        assert all(table.equals(tables[0]) for table in tables)
        assert tables[0].column("participations")[0].as_py() > 0


def test_a_list_of_countries_adds_them_up(bundled: Warehouse) -> None:
    both = indicators.headline(bundled, country="US,CA").to_pylist()[0]
    counts = Counter(r["country"] for r in he_organisations())
    assert both["participations"] == counts["US"] + counts["CA"]
    assert indicators.headline(bundled, country=["US", "CA"]).to_pylist()[0] == both


def test_groups_are_read_per_programme_status(bundled: Warehouse) -> None:
    counts = Counter(he_status_in_force(r) for r in he_organisations() if r["country"])
    for group, wanted in (("EU", "member_state"), ("associated", "associated")):
        (row,) = indicators.headline(bundled, country=group).to_pylist()
        assert row["participations"] == counts[wanted]
    third = indicators.headline(bundled, country="THIRD").to_pylist()[0]
    assert third["participations"] == counts["third_country"]


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"country": "XX"}, "'XX' is not a known country"),
        ({"country": "Untied States"}, "did you mean United States?"),
        ({"programme": "FP8"}, "use FP7, H2020 (Horizon 2020) or HE"),
        ({"years": "2023-2021"}, "ends before it starts"),
        ({"years": "twenty"}, "write 2021, 2014-2020, 2018- or -2016"),
        ({"role": "boss"}, "use one of coordinator, participant, associatedPartner"),
        ({"organisation_type": "NGO"}, "use one of HES, REC, PRC, PUB, OTH"),
        ({"scheme_group": "grants"}, "use one of collaborative, coordination"),
        ({"programme_part": "Sports"}, "or a name: Access to risk finance"),
        ({"limit": 5}, "limit: not an option of headline (its options: none)"),
    ],
)
def test_wrong_parameters_say_what_is_accepted(
    bundled: Warehouse, parameters: dict, message: str
) -> None:
    with pytest.raises(ParameterError) as raised:
        indicators.headline(bundled, **parameters)
    assert message in str(raised.value)


def test_options_are_checked(bundled: Warehouse) -> None:
    with pytest.raises(ParameterError, match="0 is out of range; use 1 to 1000"):
        indicators.top_organisations(bundled, limit=0)
    with pytest.raises(ParameterError, match="use one of participations, ec_contribution"):
        indicators.top_organisations(bundled, order="name")
    with pytest.raises(ParameterError, match="defined for the United States"):
        indicators.by_state(bundled, country="FR")
    with pytest.raises(ParameterError, match="'nope' is not an indicator; use one of headline"):
        indicators.get("nope")


def test_every_indicator_answers_for_every_programme_and_the_total(
    three_programmes: Warehouse,
) -> None:
    fp7 = legacy_rows("cordis-fp7organizations.csv")
    h2020 = legacy_rows("cordis-h2020organizations.csv")
    table = indicators.headline(three_programmes, country="EU")
    rows = {row["programme"]: row for row in table.to_pylist()}
    assert list(rows) == ["FP7", "H2020", "HE", "ALL"]
    for programme, raw in (("FP7", fp7), ("H2020", h2020)):
        eu = {
            code for code, status in country_status(programme).items() if status == "member_state"
        }
        assert rows[programme]["participations"] == sum(r["country"] in eu for r in raw) > 0
    assert rows["ALL"]["participations"] == sum(
        rows[p]["participations"] for p in ("FP7", "H2020", "HE")
    )
    for name, indicator in indicators.REGISTRY.items():
        table = indicator(three_programmes, country="US")
        assert table.schema.metadata[b"indicator"] == name.encode()
        assert table.schema.metadata[b"programmes"] == b"FP7, H2020, HE"


def test_a_programme_filter_keeps_one_programme(three_programmes: Warehouse) -> None:
    h2020 = legacy_rows("cordis-h2020organizations.csv")
    table = indicators.by_role(three_programmes, country="US", programme="Horizon 2020")
    found = {row["role"]: row["participations"] for row in table.to_pylist()}
    assert found == dict(Counter(r["role"] for r in h2020 if r["country"] == "US"))
    assert set(table.column("programme").to_pylist()) == {"H2020"}
    top = indicators.top_organisations(three_programmes, country="US").to_pylist()
    assert all(
        row["participations"]
        == row["participations_fp7"] + row["participations_h2020"] + row["participations_he"]
        for row in top
    )
