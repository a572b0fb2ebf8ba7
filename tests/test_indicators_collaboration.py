"""Partners, networks and the peer benchmark: totals, symmetry and raw-row counts."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from decimal import Decimal
from html import unescape
from itertools import combinations

import pytest
from django.test import Client

from bilat import indicators
from bilat.formatting import NO_RANK
from bilat.indicators import benchmark
from bilat.warehouse.store import Warehouse

from conftest import ROOT
from rawdata import he_call_years, he_organisations, he_status_in_force, money

STATUS = ROOT / "src" / "bilat" / "cordis" / "reference" / "country_status.csv"


def projects_with(country: str) -> set[str]:
    return {r["projectID"] for r in he_organisations() if r["country"] == country}


def inside(country: str) -> list[dict[str, str]]:
    """Every participation in the projects where `country` takes part."""
    wanted = projects_with(country)
    return [r for r in he_organisations() if r["projectID"] in wanted]


def test_partner_participations_are_those_in_its_projects_minus_its_own(
    bundled: Warehouse,
) -> None:
    rows = inside("US")
    own = [r for r in rows if r["country"] == "US"]
    table = indicators.partner_countries(bundled, country="US").to_pylist()
    assert sum(row["participations"] for row in table) == len(rows) - len(own)
    expected = Counter(r["country"] or None for r in rows if r["country"] != "US")
    assert {row["country"]: row["participations"] for row in table} == dict(expected)
    germany = next(row for row in table if row["country"] == "DE")
    assert germany["projects"] == len({r["projectID"] for r in rows if r["country"] == "DE"})
    assert germany["status"] == "member_state"
    assert sum(row["share"] for row in table) == pytest.approx(1.0)


def test_shared_projects_are_the_same_seen_from_either_country(bundled: Warehouse) -> None:
    from_us = {r["country"]: r for r in indicators.partner_countries(bundled).to_pylist()}
    for other in ("DE", "UK", "CN"):
        seen = {
            r["country"]: r
            for r in indicators.partner_countries(bundled, country=other).to_pylist()
        }
        assert seen["US"]["projects"] == from_us[other]["projects"]
        assert seen["US"]["projects"] == len(projects_with("US") & projects_with(other))


def test_partner_groups_split_the_partners_by_status_in_the_programme(
    bundled: Warehouse,
) -> None:
    rows = [r for r in inside("US") if r["country"] != "US"]
    expected = Counter(he_status_in_force(r) for r in rows)
    table = indicators.partner_groups(bundled).to_pylist()
    found = {row["status"]: row["participations"] for row in table}
    # Two partner rows have no country at all; they form the 'unknown' group.
    blank = sum(1 for r in rows if not r["country"])
    assert found == {
        **{key: n for key, n in expected.items() if key != "third_country"},
        "third_country": expected["third_country"] - blank,
        "unknown": blank,
    }
    assert sum(found.values()) == sum(
        r["participations"] for r in indicators.partner_countries(bundled).to_pylist()
    )
    assert [row["title"] for row in table][:3] == [
        "EU member states",
        "Associated countries",
        "Other third countries",
    ]
    # Partners without a country are not "0 countries": their count of countries is missing.
    by_status = {row["status"]: row for row in table}
    assert by_status["unknown"]["countries"] is None
    assert by_status["member_state"]["countries"] == len(
        {r["country"] for r in rows if he_status_in_force(r) == "member_state"}
    )


def test_top_partner_organisations_share_the_most_projects(bundled: Warehouse) -> None:
    rows = [r for r in inside("US") if r["country"] != "US"]
    shared = Counter()
    for pic, _project in {(r["organisationID"], r["projectID"]) for r in rows}:
        shared[pic] += 1
    table = indicators.partner_organisations(bundled, limit=5).to_pylist()
    assert len(table) == 5
    assert table[0]["shared_projects"] == max(shared.values())
    for row in table:
        assert row["shared_projects"] == shared[str(row["pic"])]
    assert [row["shared_projects"] for row in table] == sorted(
        (row["shared_projects"] for row in table), reverse=True
    )


def test_country_network_lists_each_pair_once_weighted_by_shared_projects(
    bundled: Warehouse,
) -> None:
    edges = indicators.country_network(bundled, limit=10).to_pylist()
    pairs = [(e["source"], e["target"]) for e in edges]
    assert all(a < b for a, b in pairs)
    assert len(pairs) == len(set(pairs))
    nodes = {code for pair in pairs for code in pair}
    assert "US" in nodes and len(nodes) <= 10
    partners = {
        r["country"]: r["projects"] for r in indicators.partner_countries(bundled).to_pylist()
    }
    for edge in edges:
        if "US" in (edge["source"], edge["target"]):
            other = edge["target"] if edge["source"] == "US" else edge["source"]
            assert edge["weight"] == partners[other]
    # An edge between two partners counts the US projects where both take part.
    countries_of: dict[str, set[str]] = {}
    for r in inside("US"):
        countries_of.setdefault(r["projectID"], set()).add(r["country"])
    de_it = next(e for e in edges if (e["source"], e["target"]) == ("DE", "IT"))
    assert de_it["weight"] == sum({"DE", "IT"} <= found for found in countries_of.values())


def test_organisation_network_is_bounded_and_counts_shared_projects(bundled: Warehouse) -> None:
    edges = indicators.organisation_network(bundled, limit=20).to_pylist()
    nodes = {e["source"] for e in edges} | {e["target"] for e in edges}
    assert 0 < len(nodes) <= 20
    pairs = [(e["source"], e["target"]) for e in edges]
    assert all(a < b for a, b in pairs) and len(pairs) == len(set(pairs))
    assert any(e["source_own"] or e["target_own"] for e in edges)
    pics_of: dict[str, set[str]] = {}
    for r in inside("US"):
        pics_of.setdefault(r["projectID"], set()).add(r["organisationID"])
    for edge in edges[:10]:
        both = {str(edge["source"]), str(edge["target"])}
        assert edge["weight"] == sum(both <= found for found in pics_of.values())
    # No pair of nodes that shares a project is missing.
    for a, b in combinations(sorted(nodes), 2):
        shared = sum({str(a), str(b)} <= found for found in pics_of.values())
        assert (shared > 0) == ((a, b) in set(pairs))


def test_peer_benchmark_ranks_by_participations_as_a_third_country(bundled: Warehouse) -> None:
    counts = Counter(r["country"] for r in he_organisations() if r["country"])
    third = Counter(
        r["country"]
        for r in he_organisations()
        if r["country"] and he_status_in_force(r) == "third_country"
    )
    table = {r["country"]: r for r in indicators.peer_benchmark(bundled).to_pylist()}
    assert set(table) == {"US", "CA", "JP", "KR", "CN", "AU", "BR", "IN", "ZA"}
    for code, row in table.items():
        assert row["participations"] == counts[code]
        assert row["third_country_participations"] == third[code]
        higher = sum(1 for n in third.values() if n > third[code])
        assert row["rank_participations"] == higher + 1
        assert row["third_countries"] == len(third)
    # Canada and South Korea are associated to Pillar II from the 2024 and 2025 calls: the
    # bundled calls end in 2024, so they are listed as associated in part (not plainly
    # "associated" beside participations that all count as a third country's) and ranked on
    # all their participations; the United Kingdom and Switzerland, associated from the 2024
    # and 2025 calls, were third countries for the 2021-2023 calls and rank above the US.
    assert table["CA"]["status"] == table["KR"]["status"] == "partly_associated"
    assert third["CA"] == counts["CA"] and third["UK"] == counts["UK"]
    assert table["US"]["rank_participations"] == 1 + sum(
        1 for n in third.values() if n > third["US"]
    )
    assert {code for code, n in third.items() if n > third["US"]} == {"UK", "CH"}
    ec = Counter()
    for r in he_organisations():
        ec[r["country"]] += money(r["ecContribution"])
    assert table["US"]["ec_contribution"] == ec["US"]


def test_each_peer_rank_is_out_of_the_countries_it_ranks(
    bundled: Warehouse, client: Client
) -> None:
    """The rank by EU contribution is out of the third countries whose amount is known (a
    country whose amounts CORDIS leaves all empty is not ranked, so not counted), the rank by
    participations out of every third country with a participation: two counts, each in its
    own column, on the indicator and the country page (it said the larger on every row)."""
    third = [
        r for r in he_organisations() if r["country"] and he_status_in_force(r) == "third_country"
    ]
    ranked = {r["country"] for r in third}
    known = {r["country"] for r in third if r["ecContribution"].strip()}
    assert 0 < len(known) < len(ranked)
    rows = indicators.peer_benchmark(bundled, country="UZ", peers="US,CN,HK").to_pylist()
    assert {r["country"] for r in rows} == {"UZ", "US", "CN", "HK"}
    for row in rows:
        assert row["third_countries"] == len(ranked), row["country"]
        assert row["third_countries_ec_contribution"] == len(known), row["country"]
        if row["rank_ec_contribution"] is not None:
            assert row["rank_ec_contribution"] <= len(known)
    for code in ("US", "UZ"):
        html = unescape(client.get(f"/country/{code}/").content.decode())
        section = html[html.index('id="peer_benchmark"') :]
        table = section[section.index("<table") : section.index("</table>")]
        head = re.findall(r"<th[^>]*>(.*?)</th>", table)
        column = head.index("Third countries ranked by EU contribution")
        assert head[column - 1] == "Rank (EU contribution)"
        assert head[head.index("Rank (participations)") + 1] == (
            "Third countries ranked by participations"
        )
        body = re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[1])
        cells = [re.findall(r"<td[^>]*>(.*?)</td>", line) for line in body]
        assert cells and all(line[column] == str(len(known)) for line in cells), code


def test_new_zealand_is_associated_in_pillar_two_from_its_2023_calls_only(
    bundled: Warehouse,
) -> None:
    rows = [r for r in he_organisations() if r["country"] == "NZ"]
    expected = Counter(he_status_in_force(r) for r in rows)
    assert expected["associated"] > 0 and expected["third_country"] > 0
    found = bundled.query(
        """SELECT country_status, count(*) AS n FROM participation_facts
           WHERE country = 'NZ' GROUP BY ALL"""
    )
    assert {r["country_status"]: r["n"] for r in found} == dict(expected)
    third = indicators.headline(bundled, country="NZ", years="-2022").to_pylist()[0]
    assert third["participations"] == sum(
        1 for r in rows if (he_call_years().get(r["projectID"]) or 0) <= 2022
    )
    associated = indicators.headline(bundled, country="ASSOCIATED").to_pylist()[0]
    assert associated["participations"] == sum(
        1 for r in he_organisations() if r["country"] and he_status_in_force(r) == "associated"
    )


def test_peer_benchmark_takes_other_peers_and_adds_the_subject(bundled: Warehouse) -> None:
    table = indicators.peer_benchmark(bundled, country="CH", peers="Japan, IL").to_pylist()
    assert {row["country"] for row in table} == {"JP", "IL", "CH"}
    headline = indicators.headline(bundled, country="JP").to_pylist()[0]
    japan = next(row for row in table if row["country"] == "JP")
    for measure in ("participations", "projects", "organisations", "ec_contribution"):
        assert japan[measure] == headline[measure]


def test_a_profile_says_when_and_where_its_country_is_associated(
    bundled: Warehouse, client: Client
) -> None:
    with STATUS.open(encoding="utf-8", newline="") as handle:
        rule = next(
            r
            for r in csv.DictReader(handle, delimiter=";")
            if (r["programme"], r["cordis_code"]) == ("HE", "CA")
        )
    said = f"Canada in Horizon Europe (2021-2027): {rule['note']}."
    assert benchmark.associations(bundled, ("CA",)) == [said]
    assert benchmark.associations(bundled, ("US",)) == []
    assert said in unescape(client.get("/country/CA/").content.decode())


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"programme": "H2020"},
        {"years": "2022-2023"},
        {"programme_part": ["Health", "MSCA"]},
        {"scheme_group": "collaborative"},
        {"role": "coordinator"},
        {"organisation_type": "HES"},
        {"years": "2022-2023", "organisation_type": "PRC"},
        {"role": "participant", "organisation_type": "HES", "programme": "HE"},
        {"field": "natural sciences"},
    ],
    ids=repr,
)
@pytest.mark.parametrize("name", ["country_network", "organisation_network"])
def test_networks_counted_from_node_masks_equal_those_from_paired_rows(
    three_programmes: Warehouse,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    filters: dict[str, object],
) -> None:
    """The edges are counted from each project's mask of the nodes it holds up to
    MASK_NODES nodes; pairing every project's node rows (the way above it) gives the same."""
    from bilat.indicators import networks

    indicator = indicators.get(name)
    edges = 0
    for subject, limit in (("US", 20), ("EU", 40), ("US,CA", 62), ("DE", 10)):
        params = {"country": subject, "limit": limit, **filters}
        three_programmes.forget()
        masked = indicator(three_programmes, **params)
        monkeypatch.setattr(networks, "MASK_NODES", 0)
        three_programmes.forget()
        paired = indicator(three_programmes, **params)
        monkeypatch.undo()
        assert masked.to_pylist() == paired.to_pylist()
        edges += masked.num_rows
    assert edges > 0


def test_peer_benchmark_leaves_unranked_by_contribution_a_country_with_only_missing_amounts(
    bundled: Warehouse, client: Client
) -> None:
    """Hong Kong's and Uzbekistan's Horizon Europe participations are all a third country's
    and CORDIS leaves every one of their amounts empty: they are ranked by participations but
    not by EU contribution (missing is not 0, so not last-but-tied with the unfunded), on the
    indicator, the page, the CSV download and the API; the other ranks count only the
    countries whose amount is known."""
    rows = [r for r in he_organisations() if r["country"]]
    third = [r for r in rows if he_status_in_force(r) == "third_country"]
    priced: dict[str, Decimal] = {}
    for r in third:
        if r["ecContribution"]:
            priced[r["country"]] = priced.get(r["country"], Decimal(0)) + money(r["ecContribution"])
    unpriced = {r["country"] for r in third} - set(priced)
    assert {"HK", "UZ"} <= unpriced
    table = {
        r["country"]: r
        for r in indicators.peer_benchmark(bundled, country="US", peers="HK,UZ,NP").to_pylist()
    }
    for code in ("HK", "UZ"):
        assert table[code]["rank_participations"] is not None
        assert table[code]["rank_ec_contribution"] is None, code
    assert table["US"]["rank_ec_contribution"] == 1 + sum(
        1 for amount in priced.values() if amount > priced["US"]
    )
    answer = client.get("/api/indicators/peer_benchmark?country=US&peers=HK,UZ").json()
    api = {r["country"]: r for r in answer["rows"]}
    assert api["HK"]["rank_ec_contribution"] is None and api["UZ"]["rank_ec_contribution"] is None
    assert any("not ranked by EU contribution" in c for c in answer["about"]["caveats"])
    body = client.get("/export/peer_benchmark.csv?country=US&peers=HK,UZ").content.decode()
    lines = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    csv_rows = {line["country"]: line for line in lines}
    assert csv_rows["HK"]["rank_ec_contribution"] == ""
    assert csv_rows["US"]["rank_ec_contribution"] == str(table["US"]["rank_ec_contribution"])
    page = client.get("/country/UZ/")
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert NO_RANK in html
