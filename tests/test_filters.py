"""The observatory filters, declared once in `bilat.indicators.filters`: every front end
offers what the declaration says (a test fails when one drifts), and values holding commas
(three Horizon Europe clusters) work in the profile form, explore's facets, the API and the
CLI, checked against a direct count over the bundled warehouse."""

from __future__ import annotations

import csv
import io
import re
import typing
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import click
import pytest
from click.testing import CliRunner
from django.test import Client

from bilat import indicators
from bilat.cli import indicators_command, main
from bilat.errors import ParameterError
from bilat.indicators.filters import BY_NAME, FILTERS
from bilat.records import listing
from bilat.warehouse.store import Warehouse
from bilat.web.api import Filters as ApiFilters
from bilat.web.forms import ALL, FORM_FILTERS, FilterForm

CLUSTERS = (
    "Climate, Energy and Mobility",
    "Digital, Industry and Space",
    "Culture, Creativity and Inclusive Society",
)


def test_the_declaration_names_each_filter_once() -> None:
    assert [spec.name for spec in FILTERS] == [
        "country",
        "programme",
        "years",
        "programme_part",
        "scheme_group",
        "role",
        "organisation_type",
        "field",
    ]
    assert len({spec.flag for spec in FILTERS}) == len(FILTERS)


def test_the_api_schema_matches_the_declaration() -> None:
    fields = ApiFilters.model_fields
    assert list(fields) == [spec.name for spec in FILTERS]
    for spec in FILTERS:
        annotation = fields[spec.name].annotation
        many = list[str] in typing.get_args(annotation)
        assert many == spec.many, spec.name
        assert (fields[spec.name].description or "").startswith(spec.help), spec.name


def test_the_form_offers_what_the_parsers_accept(bundled: Warehouse) -> None:
    form = FilterForm()
    assert list(form.fields) == [spec.name for spec in FORM_FILTERS]
    assert [spec.name for spec in FILTERS if spec not in FORM_FILTERS] == ["country"]
    for spec in FORM_FILTERS:
        field = form.fields[spec.name]
        assert field.label == spec.label
        if spec.choices is None:
            continue
        offered = list(getattr(field, "choices"))  # noqa: B009 (ChoiceField only)
        assert offered == ALL + spec.choices()
        for value, _ in offered[1:]:
            assert spec.parse(bundled, (value,)), (spec.name, value)


def test_every_facet_sets_a_declared_filter() -> None:
    # The US state is the listings' own parameter (a facet of explore, not an indicator filter).
    assert set(listing.FACET_PARAMETER.values()) <= set(BY_NAME) | {"us_state"}


def test_the_cli_offers_every_filter_with_its_help() -> None:
    options = {
        param.name: param for param in indicators_command.params if isinstance(param, click.Option)
    }
    for spec in FILTERS:
        option = options[spec.name]
        assert spec.flag in option.opts, spec.name
        assert option.multiple == spec.many, spec.name
        assert (option.help or "").startswith(spec.help), spec.name


def test_indicators_take_every_filter_and_refuse_other_names(bundled: Warehouse) -> None:
    for spec in FILTERS:
        indicators.headline(bundled, **{spec.name: ()})
    with pytest.raises(ParameterError, match="colour: not an option of headline"):
        indicators.headline(bundled, colour="red")


def test_lists_are_repeated_values_and_old_comma_lists_still_work(bundled: Warehouse) -> None:
    def total(**params: object) -> int:
        return int(indicators.headline(bundled, **params).to_pylist()[-1]["participations"])

    assert total(country=["US", "CA"]) == total(country="US,CA") == total(country="US, CA")
    assert total(country="US") + total(country="CA") == total(country=["US", "CA"])
    assert total(role=["coordinator", "participant"]) == total(role="coordinator,participant")
    with pytest.raises(ParameterError, match="programme_part: 'Sports' is not a programme part"):
        total(programme_part="MSCA,Sports")
    with pytest.raises(ParameterError, match="years: give one year range, not 2"):
        total(years=["2021", "2022"])


def us_in(bundled: Warehouse, cluster: str) -> int:
    """US participations in a cluster, counted directly over the warehouse."""
    (row,) = bundled.query(
        """SELECT count(*) AS n FROM participation_facts
           WHERE country = 'US' AND programme_part = $part""",
        {"part": cluster},
    )
    return int(row["n"])


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_a_cluster_with_commas_in_its_name_is_chosen_in_python(
    bundled: Warehouse, cluster: str
) -> None:
    expected = us_in(bundled, cluster)
    assert expected > 0
    (row,) = indicators.headline(bundled, programme_part=cluster).to_pylist()
    assert row["participations"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("cluster", CLUSTERS)
def test_a_cluster_with_commas_is_chosen_in_the_profile_form(
    client: Client, bundled: Warehouse, cluster: str
) -> None:
    page = client.get("/country/US/").content.decode()
    select = re.search(r'<select name="programme_part".*?</select>', page, re.S)
    assert select is not None
    offered = [unescape(v) for v in re.findall(r'<option value="([^"]*)"', select[0])]
    assert cluster in offered
    # What a browser sends when the option is picked and the form submitted.
    response = client.get("/country/US/?" + urlencode({"programme_part": cluster}))
    assert response.status_code == 200
    assert response.context["total"]["participations"] == us_in(bundled, cluster)


@pytest.mark.django_db
@pytest.mark.parametrize("cluster", CLUSTERS)
def test_a_cluster_with_commas_is_chosen_by_an_explore_facet(
    client: Client, bundled: Warehouse, cluster: str
) -> None:
    page = client.get("/explore/participations/?country=US&programme=HE").content.decode()
    facet = r'<a href="(\?[^"]*programme_part=[^"]*)"[^>]*>([^<]*)</a>'
    links = {unescape(text): unescape(href) for href, text in re.findall(facet, page)}
    assert cluster in links
    response = client.get("/explore/participations/" + links[cluster])
    assert response.status_code == 200
    assert response.context["page"].total == us_in(bundled, cluster)


@pytest.mark.django_db
@pytest.mark.parametrize("cluster", CLUSTERS)
def test_a_cluster_with_commas_is_chosen_in_the_api(
    client: Client, bundled: Warehouse, cluster: str
) -> None:
    query = urlencode({"programme_part": cluster})
    answer = client.get(f"/api/indicators/headline?{query}").json()
    assert answer["rows"][0]["participations"] == us_in(bundled, cluster)
    listed = client.get(f"/api/participations?country=US&{query}").json()
    assert listed["total"] == us_in(bundled, cluster)


@pytest.mark.django_db
def test_the_api_takes_several_clusters_as_repeated_parameters(
    client: Client, bundled: Warehouse
) -> None:
    query = urlencode([("programme_part", cluster) for cluster in CLUSTERS] + [("country", "US")])
    listed = client.get(f"/api/participations?{query}").json()
    assert listed["total"] == sum(us_in(bundled, cluster) for cluster in CLUSTERS)


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_a_cluster_with_commas_is_chosen_in_the_cli(
    bundled_path: Path, bundled: Warehouse, cluster: str
) -> None:
    arguments = ["indicators", "headline", "--warehouse", str(bundled_path), "--format", "csv"]
    result = CliRunner().invoke(main, [*arguments, "--part", cluster])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(result.output))
    assert int(row["participations"]) == us_in(bundled, cluster)


def test_the_cli_takes_several_clusters_as_repeated_options(
    bundled_path: Path, bundled: Warehouse
) -> None:
    arguments = ["indicators", "headline", "--warehouse", str(bundled_path), "--format", "csv"]
    both = CliRunner().invoke(main, [*arguments, "--part", CLUSTERS[0], "--part", CLUSTERS[1]])
    assert both.exit_code == 0, both.output
    (row,) = csv.DictReader(io.StringIO(both.output))
    assert int(row["participations"]) == us_in(bundled, CLUSTERS[0]) + us_in(bundled, CLUSTERS[1])
