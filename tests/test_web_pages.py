"""The observatory pages and downloads, rendered by Django against the bundled warehouse.

Numbers on the pages are checked against the indicators and the raw rows; the browser tests
(test_browser.py) check what only a browser shows: charts drawn, forms, downloads.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

import pyarrow.parquet as pq
import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from bilat import indicators
from bilat.cordis.roles import ACTIVITY_TYPES, ROLE_TITLES
from bilat.warehouse.store import Warehouse
from bilat.web.tables import NO_AMOUNT

from rawdata import he_organisations, money


def text_of(response) -> str:
    """The page's visible text, tags removed, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_shows_the_us_headline_and_links_onward(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Horizon Europe (2021-2027)" in page
    assert "866 participations, 1.1% of all" in page
    assert "659 projects, 5.1% of all" in page
    assert "€52.8 million EU contribution" in page
    html = response.content.decode()
    assert 'href="/country/US/"' in html and 'href="/sources/"' in html


def test_country_profile_has_every_section_with_its_figures(
    client: Client, bundled: Warehouse
) -> None:
    response = client.get("/country/US/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "headline", "series", "by_role", "by_organisation_type", "by_programme_part",
        "by_scheme_group", "by_field", "by_state", "top_organisations", "partner_countries",
        "partner_groups", "partner_organisations", "peer_benchmark", "country_network",
        "organisation_network",
    ):  # fmt: skip
        assert f'<section id="{name}"' in html, name
        assert f'href="/export/{name}.csv?country=US' in html, name
    page = text_of(response)
    assert "Associated partner 745" in page
    assert "California 148" in page  # 147 by ZIP, and Sacramento whose ZIP was mistyped
    top = indicators.top_organisations(bundled, limit=1).to_pylist()[0]
    assert f'href="/organisation/{top["pic"]}/"' in html
    assert html.count('class="chart') >= 9  # scheme groups: no project table, no chart


def test_filters_in_the_address_change_every_figure(client: Client) -> None:
    raw = [r for r in he_organisations() if r["country"] == "US" and r["role"] == "participant"]
    page = text_of(client.get("/country/US/?role=participant&programme=HE"))
    assert f"{len(raw)} participations" in page
    assert (
        "role participant"
        in client.get("/export/headline.json?country=US&role=participant").content.decode()
    )
    # The form shows the active filter.
    html = client.get("/country/US/?role=participant").content.decode()
    assert '<option value="participant" selected>' in html


def test_any_country_has_a_profile_and_wrong_input_gets_400(client: Client) -> None:
    germany = Counter(r["country"] for r in he_organisations())["DE"]
    response = client.get("/country/DE/")
    assert response.status_code == 200
    assert f"{germany:,} participations" in text_of(response)
    assert 'id="by_state"' not in response.content.decode()
    for url, message in (
        ("/country/XX/", "&#x27;XX&#x27; is not a known country"),
        ("/country/US/?years=20x", "is not a year range"),
        ("/country/US/?role=boss", "use one of coordinator"),
        ("/explore/participations/?sort=nope", "is not a column"),
        ("/explore/participations/?page=0", "page: 0 is out of range; use 1 to "),
        ("/export/headline.docx?country=US", "is not an export format"),
        ("/export/nope.csv", "is not an indicator"),
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert message in response.content.decode(), url


def test_organisation_page_shows_identity_projects_and_partners(client: Client) -> None:
    pic = "999467340"
    rows = [r for r in he_organisations() if r["organisationID"] == pic]
    response = client.get(f"/organisation/{pic}/")
    assert response.status_code == 200
    page = text_of(response)
    assert "THE REGENTS OF THE UNIVERSITY OF CALIFORNIA" in page
    assert f"Participations {len(rows)}" in page
    for project in {r["projectID"] for r in rows}:
        assert f'href="/project/HE/{project}/"' in response.content.decode()
    assert client.get("/organisation/123/").status_code == 404
    assert client.get("/organisation/abc/").status_code == 400


def test_project_page_lists_participants_and_links_to_cordis(client: Client) -> None:
    project = "101071601"
    rows = [r for r in he_organisations() if r["projectID"] == project]
    response = client.get(f"/project/HE/{project}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "https://cordis.europa.eu/project/id/101071601" in html
    for row in rows:
        assert f'href="/organisation/{row["organisationID"]}/"' in html
    assert "ERC" in text_of(response)
    assert client.get("/project/HE/1/").status_code == 404
    assert client.get("/project/FP9/1/").status_code == 400


def test_a_sum_of_only_empty_amounts_reads_missing_with_its_reason(client: Client) -> None:
    """The four UK participants of project 101071601 are associated partners whose
    ecContribution CORDIS leaves empty: their country's EU contribution is missing, not €0;
    the US associated partners' likewise on the profile's role breakdown."""
    project = "101071601"
    uk = [r for r in he_organisations() if r["projectID"] == project and r["country"] == "UK"]
    assert len(uk) == 4
    assert {(r["role"], r["ecContribution"]) for r in uk} == {("associatedPartner", "")}
    page = text_of(client.get(f"/project/HE/{project}/"))
    assert re.search(r"UK United Kingdom 4 — ", page)
    assert "United Kingdom 4 €0" not in page
    assert NO_AMOUNT in page
    us = [r for r in he_organisations() if r["country"] == "US"]
    partners = [r for r in us if r["role"] == "associatedPartner"]
    assert len(partners) == 745 and not any(r["ecContribution"] for r in partners)
    profile = text_of(client.get("/country/US/"))
    assert re.search(r"Associated partner 745 \d+ — ", profile)
    assert "Associated partner 745 580 €0" not in profile
    assert NO_AMOUNT in profile
    # Where CORDIS records 0 (the 17 US third parties), the page says €0.
    third = [r for r in us if r["role"] == "thirdParty"]
    assert len(third) == 17 and {money(r["ecContribution"]) for r in third} == {0}
    assert "Third party linked to a beneficiary 17 13 €0" in profile


def test_explore_filters_sorts_pages_and_counts_facets(client: Client) -> None:
    us = [r for r in he_organisations() if r["country"] == "US"]
    response = client.get("/explore/participations/?country=US&sort=-ec_contribution")
    assert response.status_code == 200
    page = text_of(response)
    assert f"{len(us)} participations of the United States" in page
    assert "Page 1 of 18" in page
    roles = Counter(r["role"] for r in us)
    html = response.content.decode()
    # Facet values by their labels, not their codes.
    participant = ROLE_TITLES["participant"]
    assert f'role=participant">{participant}</a> <span class="muted">{roles["participant"]}' in html
    second = client.get("/explore/participations/?country=US&sort=-ec_contribution&page=2")
    assert "Page 2 of 18" in text_of(second)
    projects = client.get("/explore/projects/?country=US")
    assert "659 projects of the United States" in text_of(projects)
    search = client.get("/explore/organisations/?country=US&q=massachusetts")
    # Shown in a readable case, CORDIS's capitals kept on hover.
    assert "Massachusetts Institute of Technology" in text_of(search)
    assert 'title="In CORDIS: MASSACHUSETTS INSTITUTE OF TECHNOLOGY"' in search.content.decode()


def headers(html: str) -> list[str]:
    """The column headers of the explore table, as shown."""
    head = html.split('aria-label="Table: ', 1)[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>|[↓↑]", "", th).strip() for th in re.findall(r"<th.*?</th>", head)]


def test_explore_shows_role_type_state_and_funding_and_the_sorted_column(client: Client) -> None:
    html = client.get("/explore/participations/?country=US").content.decode()
    # The programme and the country are the same on every row (one programme loaded, one
    # country asked): they are left out; the sort column (EU contribution) is shown.
    assert headers(html) == [
        "Project", "Acronym", "Year", "Programme part", "Name", "State", "Role", "Type",
        "EU contribution",
    ]  # fmt: skip
    assert 'aria-sort="descending"><a href="?country=US&amp;sort=ec_contribution">' in html
    first = max(
        (r for r in he_organisations() if r["country"] == "US"),
        key=lambda r: float(r["ecContribution"] or 0),
    )
    row = html.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert f">{ACTIVITY_TYPES[first['activityType']]}<" in row
    assert f">{ROLE_TITLES[first['role']]}<" in row
    # Sorted by a column the page does not show by default: that column is shown.
    by_pic = client.get("/explore/participations/?country=US&sort=pic").content.decode()
    assert "PIC" in headers(by_pic)
    everyone = client.get("/explore/participations/").content.decode()
    assert "Country" in headers(everyone) and "Programme" not in headers(everyone)


def test_exports_hold_the_indicator_rows_in_every_format(
    client: Client, bundled: Warehouse
) -> None:
    expected = indicators.by_state(bundled).to_pylist()
    response = client.get("/export/by_state.csv?country=US")
    assert response["Content-Disposition"] == 'attachment; filename="by_state-US.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["state"], int(r["participations"])) for r in rows] == [
        (r["state"], r["participations"]) for r in expected
    ]
    document = json.loads(client.get("/export/by_state.json?country=US").content)
    assert document["about"]["definition"] == indicators.by_state.definition
    table = pq.read_table(io.BytesIO(client.get("/export/by_state.parquet?country=US").content))
    assert table.column("participations").to_pylist() == [r["participations"] for r in expected]
    assert table.schema.metadata[b"indicator"] == b"by_state"
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(client.get("/explore/participations.xlsx?country=US&role=thirdParty").content)
    )
    sheet = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert len(sheet) - 1 == sum(
        1 for r in he_organisations() if r["country"] == "US" and r["role"] == "thirdParty"
    )


def test_sources_page_lists_every_indicator_definition(client: Client) -> None:
    html = client.get("/sources/").content.decode()
    for item in indicators.REGISTRY.values():
        assert f'id="def-{item.name}"' in html
        assert item.definition.replace("'", "&#x27;") in html


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/?zzz=1", "zzz"),
        ("/?years=abc", "years"),  # the overview has no filters: it showed every year
        ("/?programme=XX", "programme"),
        ("/country/US/?zzz=1", "zzz"),
        ("/country/US/?organization_type=HES", "organization_type"),
        ("/country/US/?country=CA", "country"),  # the path names the country
        ("/explore/participations/?zzz=1", "zzz"),
        ("/explore/participations.csv?country=US&zzz=1", "zzz"),
        ("/compare/?zzz=1", "zzz"),
        ("/compare.csv?countries=US&country=CA", "country"),
        ("/partners/?zzz=1", "zzz"),
        ("/organisation/999467340/?zzz=1", "zzz"),
        ("/project/HE/101071601/?zzz=1", "zzz"),
        ("/sources/?zzz=1", "zzz"),
        ("/report/cooperation-monitoring.html?zzz=1", "zzz"),
        ("/export/headline.csv?zzz=1", "zzz"),
    ],
)
def test_a_parameter_a_page_does_not_read_gets_400_naming_it(
    client: Client, url: str, parameter: str
) -> None:
    _refused(client, url, f"{parameter}: ")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/partners/?side=XX", "side: 'XX' is not a side; use EU or US"),
        ("/partners/?limit=abc", "limit: "),
        ("/country/US/?years=abc", "years: "),
        ("/country/US/?programme=XX", "programme: "),
    ],
)
def test_a_value_a_page_does_not_accept_gets_400_naming_it(
    client: Client, url: str, message: str
) -> None:
    _refused(client, url, message)


def _refused(client: Client, url: str, message: str) -> None:
    """The page answers 400 and says `message` (quotes as typed, not as HTML escapes)."""
    response = client.get(url)
    assert response.status_code == 400, url
    assert message in text_of(response).replace("&#x27;", "'"), url


def test_shared_links_tags_do_not_break_a_page(client: Client) -> None:
    assert client.get("/country/US/?utm_source=newsletter&fbclid=x").status_code == 200
    assert client.get("/country/?country=").status_code == 302
