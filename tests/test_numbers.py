"""Every numeric parameter of the observatory pages and API is bounded: out of range, not a
number or absurdly large, it answers 400 with a message naming the parameter, never 500."""

from __future__ import annotations

import pytest
from django.test import Client

from bilat.indicators.numbers import MAX_PAGE
from bilat.records.listing import PAGE_SIZE
from bilat.warehouse.store import Warehouse

pytestmark = pytest.mark.django_db
HUGE = "999999999999999999999"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"/explore/participations/?page={HUGE}", f"page: {HUGE} is out of range; use 1 to"),
        (f"/explore/projects/?page={MAX_PAGE + 1}", f"page: {MAX_PAGE + 1} is out of range"),
        ("/explore/organisations/?page=0", "page: 0 is out of range"),
        ("/explore/participations/?page=%C2%B2", "page: &#x27;²&#x27; is not a whole number"),
        ("/explore/participations/?page=-1", "page: &#x27;-1&#x27; is not a whole number"),
        ("/country/US/?years=0001", "years: 1 is out of range; use years from 1984 to 2099"),
        ("/country/US/?years=2020-9999", "years: 9999 is out of range"),
        ("/explore/participations/?years=-1000", "years: 1000 is out of range"),
        (f"/country/US/?years={HUGE}", "is not a year range"),
        (f"/export/top_organisations.csv?limit={HUGE}", f"limit: {HUGE} is out of range"),
        ("/export/country_network.csv?limit=0", "limit: 0 is out of range; use 1 to 250"),
        ("/export/top_organisations.csv?limit=%C2%B2", "limit: &#x27;²&#x27; is not a whole"),
        (f"/organisation/{HUGE}/", "is not a PIC"),
        ("/organisation/%C2%B2/", "is not a PIC"),
        (f"/project/HE/{HUGE}/", "is not a project (grant) number"),
        ("/project/HE/%C2%B2/", "is not a project (grant) number"),
    ],
)
def test_pages_answer_400_naming_the_parameter(client: Client, url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 400, url
    assert message in response.content.decode(), url


@pytest.mark.parametrize(
    ("url", "parameter", "message"),
    [
        (f"/api/participations?page={HUGE}", "page", f"page: '{HUGE}' is not accepted"),
        (f"/api/projects?page={MAX_PAGE + 1}", "page", "less than or equal to 100000"),
        ("/api/organisations?page=0", "page", "greater than or equal to 1"),
        ("/api/participations?page=two", "page", "page: 'two' is not accepted: input should"),
        (f"/api/indicators/headline?page_size={HUGE}", "page_size", "less than or equal to"),
        ("/api/participations?page_size=1001", "page_size", "less than or equal to 1000"),
        ("/api/indicators/top_organisations?limit=0", "limit", "greater than or equal to 1"),
        (f"/api/indicators/top_organisations?limit={HUGE}", "limit", "less than or equal"),
        ("/api/indicators/country_network?limit=251", "limit", "251 is out of range; use 1 to"),
        ("/api/indicators/headline?years=1000-2020", "years", "1000 is out of range"),
        (f"/api/indicators/headline?years={HUGE}", "years", "is not a year range"),
        (f"/api/organisations/{HUGE}", "pic", "less than or equal to 999999999999"),
        ("/api/organisations/0", "pic", "greater than or equal to 1"),
        (f"/api/projects/HE/{HUGE}", "project_id", "is not a project (grant) number"),
    ],
)
def test_the_api_answers_400_naming_the_parameter(
    client: Client, url: str, parameter: str, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400, url
    answer = response.json()
    assert answer["parameter"] == parameter
    assert answer["detail"].startswith(f"{parameter}: ") and message in answer["detail"], answer


def test_numbers_in_range_are_answered(client: Client) -> None:
    assert client.get("/explore/participations/?page=2").status_code == 200
    assert client.get("/api/participations?page=2&page_size=1000").json()["rows"]
    assert client.get("/api/indicators/country_network?limit=250").status_code == 200
    assert client.get("/country/US/?years=1984-2099").status_code == 200


# The rows each explore page lists, counted in the warehouse (explore's projects and
# organisations are those with participations loaded).
COUNTED = {
    "participations": "SELECT count(*) AS n FROM participations",
    "projects": "SELECT count(DISTINCT project_id) AS n FROM participations",
    "organisations": "SELECT count(DISTINCT pic) AS n FROM participations WHERE pic IS NOT NULL",
}


@pytest.mark.parametrize("table", sorted(COUNTED))
def test_a_page_past_the_last_answers_400_naming_the_last_page(
    client: Client, bundled: Warehouse, table: str
) -> None:
    total = bundled.query(COUNTED[table])[0]["n"]
    last = -(-total // PAGE_SIZE)
    assert last > 1
    page = client.get(f"/explore/{table}/?page={last}")
    assert page.status_code == 200 and f"Page {last:,} of {last:,}" in page.content.decode()
    for given in (last + 1, 5000, 99999):
        response = client.get(f"/explore/{table}/?page={given}")
        assert response.status_code == 400, (table, given)
        assert f"page: {given} is out of range; use 1 to {last}" in response.content.decode()
    wrong = client.get(f"/explore/{table}/?page=abc").content.decode()
    assert f"page: &#x27;abc&#x27; is not a whole number; use 1 to {last}" in wrong
    api = client.get(f"/api/{table}?page={last + 1}&page_size={PAGE_SIZE}")
    assert api.status_code == 400
    assert api.json() == {
        "detail": f"page: {last + 1} is out of range; use 1 to {last}",
        "parameter": "page",
    }
    assert client.get(f"/api/{table}?page={last}&page_size={PAGE_SIZE}").json()["rows"]


def test_an_empty_listing_has_its_first_page_and_no_other(client: Client) -> None:
    """Antarctica has no participation: page 1 of an empty listing answers, page 2 does not."""
    assert client.get("/explore/participations/?country=AQ").status_code == 200
    assert client.get("/explore/participations/?country=AQ&page=1").status_code == 200
    assert client.get("/api/participations?country=AQ&page=1").json()["rows"] == []
    response = client.get("/explore/participations/?country=AQ&page=2")
    assert response.status_code == 400
    assert "page: 2 is out of range; use 1 to 1" in response.content.decode()


def test_an_indicators_page_past_the_last_answers_400(client: Client, bundled: Warehouse) -> None:
    states = bundled.query(
        "SELECT count(DISTINCT us_state) AS n FROM participation_facts WHERE country = 'US'"
    )[0]["n"]
    last = -(-states // 5)
    assert client.get(f"/api/indicators/by_state?page_size=5&page={last}").json()["rows"]
    response = client.get(f"/api/indicators/by_state?page_size=5&page={last + 1}")
    assert response.status_code == 400
    assert response.json()["detail"] == f"page: {last + 1} is out of range; use 1 to {last}"
