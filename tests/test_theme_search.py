"""Finding projects by theme: the explore search reads topic titles, legal-basis titles and
EuroSciVoc fields, not only names and acronyms; the field-of-science filter and the US-state
facet. Expected sets are read from the raw Horizon Europe files with plain Python."""

from __future__ import annotations

import csv
import gzip
import re
from functools import cache
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.test import Client

from bilat import indicators
from bilat.errors import ParameterError
from bilat.records import listing
from bilat.warehouse.store import Warehouse

from conftest import DATA
from rawdata import he_organisations


@cache
def raw(table: str) -> tuple[dict[str, str], ...]:
    path = DATA / "horizon-europe" / f"{table}.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter=";"))


@cache
def themed(word: str) -> frozenset[str]:
    """Projects whose topic title, legal-basis title or field path holds `word`."""
    word = word.casefold()
    found = {r["projectID"] for r in raw("topics") if word in r["title"].casefold()}
    found |= {r["projectID"] for r in raw("legalBasis") if word in r["title"].casefold()}
    found |= {r["projectID"] for r in raw("euroSciVoc") if word in r["euroSciVocPath"].casefold()}
    return frozenset(found)


def us_rows() -> list[dict[str, str]]:
    return [row for row in he_organisations() if row["country"] == "US"]


def test_quantum_finds_the_us_projects_classified_under_a_quantum_field(
    bundled: Warehouse,
) -> None:
    expected = {
        r["projectID"]
        for r in us_rows()
        if r["projectID"] in themed("quantum") or "quantum" in r["projectAcronym"].casefold()
    }
    query = listing.parse(bundled, "projects", {"country": "US", "q": "quantum"})
    found = listing.export(bundled, query)
    assert {str(p) for p in found.column("project_id").to_pylist()} == expected
    # Acronyms alone would find far fewer: the theme is what finds them.
    by_acronym = {r["projectID"] for r in us_rows() if "quantum" in r["projectAcronym"].lower()}
    assert len(expected) > 2 * len(by_acronym) and len(expected) >= 10
    classified = {
        r["projectID"] for r in raw("euroSciVoc") if "quantum" in r["euroSciVocPath"].lower()
    }
    assert classified & expected, "a project found through its quantum field"


def test_every_word_must_match_somewhere(bundled: Warehouse) -> None:
    words = ("quantum", "optics")
    expected = {
        r["projectID"]
        for r in us_rows()
        if all(r["projectID"] in themed(w) or w in r["projectAcronym"].casefold() or
               w in r["name"].casefold() for w in words)
    }  # fmt: skip
    query = listing.parse(bundled, "participations", {"country": "US", "q": "quantum optics"})
    found = listing.export(bundled, query)
    assert {str(p) for p in found.column("project_id").to_pylist()} == expected
    assert 0 < len(expected) < len(themed("quantum"))


def test_the_field_of_science_filter_reads_every_level_of_the_classification(
    bundled: Warehouse,
) -> None:
    def under(field: str) -> set[str]:
        return {
            r["projectID"]
            for r in raw("euroSciVoc")
            if field in r["euroSciVocPath"].strip("/").split("/")
        }

    for field in ("quantum physics", "physical sciences", "natural sciences"):
        projects = under(field)
        expected = [r for r in us_rows() if r["projectID"] in projects]
        table = indicators.headline(bundled, country="US", field=field)
        assert table.column("participations").to_pylist() == [len(expected)], field
        query = listing.parse(bundled, "projects", {"country": "US", "field": field})
        assert listing.count(bundled, query) == len({r["projectID"] for r in expected}), field
    with pytest.raises(ParameterError, match="did you mean quantum") as refused:
        indicators.headline(bundled, field="quantum")
    assert refused.value.parameter == "field"


def test_a_field_with_a_comma_in_its_name_is_one_field(bundled: Warehouse) -> None:
    field = "electrical engineering, electronic engineering, information engineering"
    table = indicators.headline(bundled, country="US", field=field)
    assert table.column("participations").to_pylist()[0] > 0


def test_explore_pages_search_themes_and_offer_field_and_state_facets(
    client: Client, bundled: Warehouse
) -> None:
    page = client.get("/explore/participations/?country=US&q=quantum").content.decode()
    expected = [
        r for r in us_rows()
        if r["projectID"] in themed("quantum") or "quantum" in r["projectAcronym"].casefold()
        or "quantum" in r["name"].casefold()
    ]  # fmt: skip
    assert f"<strong>{len(expected)}</strong> participations of the United States" in page
    assert "<h3>Field of science</h3>" in page
    assert 'href="?country=US&amp;q=quantum&amp;field=physical+sciences"' in page
    assert "<h3>State</h3>" in page
    state = client.get("/explore/participations/?country=US&us_state=MI").content.decode()
    michigan = indicators.by_state(bundled, country="US")
    mi = next(r for r in michigan.to_pylist() if r["state"] == "MI")["participations"]
    assert f"<strong>{mi}</strong> participations of the United States" in state
    assert '<input type="hidden" name="us_state" value="MI">' in state
    assert client.get("/explore/participations/?us_state=ZZ").status_code == 400


def test_the_api_takes_the_search_the_field_and_the_state(client: Client) -> None:
    answer = client.get("/api/projects?country=US&q=quantum").json()
    expected = {
        r["projectID"]
        for r in us_rows()
        if r["projectID"] in themed("quantum") or "quantum" in r["projectAcronym"].casefold()
    }
    assert answer["total"] == len(expected)
    field = client.get("/api/indicators/headline?country=US&field=quantum+physics").json()
    assert field["rows"][0]["participations"] > 0
    states = client.get("/api/participations?us_state=MI&us_state=CA").json()
    assert {value for value, _ in states["facets"]["us_state"]} == {"MI", "CA"}
    refused = client.get("/api/participations?us_state=XX")
    assert refused.status_code == 400 and refused.json()["parameter"] == "us_state"


def test_explore_lists_every_filter_in_use_each_removable(client: Client) -> None:
    query = "country=US&q=quantum&us_state=MA&us_state=CA&field=quantum+physics&role=participant"
    html = client.get(f"/explore/participations/?{query}&page=1").content.decode()
    found = re.search(r'<ul class="active-filters"[^>]*>(.*?)</ul>', html, re.S)
    assert found and "no filters" not in html
    chips = re.findall(r'<li>([^<]*) <a href="\?([^"]*)"', found[1])
    assert [label for label, _ in chips] == [
        "search: “quantum”",
        "country: US",
        "role: Participant (beneficiary)",
        "field of science: quantum physics",
        "US state: Massachusetts",
        "US state: California",
    ]
    given = parse_qs(query)
    for (label, href), (parameter, value) in zip(
        chips,
        [("q", "quantum"), ("country", "US"), ("role", "participant"),
         ("field", "quantum physics"), ("us_state", "MA"), ("us_state", "CA")],
        strict=True,
    ):  # fmt: skip
        left = parse_qs(unescape(href))
        assert value not in left.get(parameter, []), label
        assert "page" not in left
        others = {k: v for k, v in given.items() if k != parameter}
        assert {k: v for k, v in left.items() if k != parameter} == others, label
        assert client.get(f"/explore/participations/?{unescape(href)}").status_code == 200
    plain = client.get("/explore/participations/").content.decode()
    assert "; no filters." in plain and 'class="active-filters"' not in plain
