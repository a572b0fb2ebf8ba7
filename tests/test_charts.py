"""Every chart spec is valid: Vega-Lite specs against Altair's schema, and every spec (the
Vega networks too) compiled and drawn to SVG by vl-convert, with its marks present."""

from __future__ import annotations

import altair as alt
import pytest
import vl_convert

from bilat import charts, indicators
from bilat.warehouse.store import Warehouse


@pytest.fixture(scope="module")
def specs(bundled: Warehouse) -> dict[str, dict]:
    return {
        "bars": charts.bars(
            indicators.by_role(bundled), category="title", category_title="Role", width=400
        ),
        "trend": charts.trend(indicators.series(bundled), width=400),
        "partners": charts.partners(indicators.partner_countries(bundled), width=400),
        "state_map": charts.state_map(indicators.by_state(bundled)),
    }


def test_vega_lite_specs_validate_against_the_schema(specs: dict[str, dict]) -> None:
    for name, spec in specs.items():
        alt.Chart.from_dict(spec, validate=True)  # raises on an invalid spec
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/"), name


def test_every_chart_draws_its_marks(specs: dict[str, dict]) -> None:
    for name, spec in specs.items():
        svg = vl_convert.vegalite_to_svg(spec, vl_version="6.4")
        assert svg.count("<path") >= 3, name
    state = vl_convert.vegalite_to_svg(specs["state_map"], vl_version="6.4")
    assert ">CA<" in state and ">NY<" in state


def test_networks_draw_nodes_for_the_subject_and_partners(bundled: Warehouse) -> None:
    edges = indicators.country_network(bundled, limit=10)
    spec = charts.network(
        edges,
        source_label="source_name",
        target_label="target_name",
        nodes_are="countries",
        static=True,
    )
    nodes = spec["data"][0]["values"]
    assert [node["label"] for node in nodes if node["group"] == "US"] == ["United States"]
    # The legend names the groups in words.
    assert spec["scales"][0]["domain"] == ["US", "Partner countries"]
    assert spec["legends"][0]["fill"] == "colour"
    assert len(nodes) <= 10 and len(spec["data"][1]["values"]) <= 60
    svg = vl_convert.vega_to_svg(spec)
    assert svg.count("<path") >= len(nodes)
    organisations = charts.network(
        indicators.organisation_network(bundled, limit=20),
        source_label="source_name",
        target_label="target_name",
        nodes_are="organisations",
        static=True,
    )
    groups = {node["group"] for node in organisations["data"][0]["values"]}
    assert groups == {"US organisations", "Partner organisations"}
    assert vl_convert.vega_to_svg(organisations).count("<path") > 0
