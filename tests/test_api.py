"""The JSON API: answers that match the indicators, paging, errors in the 4xx range with a
message, and schemathesis over the OpenAPI document finding no server error."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from bilat import indicators
from bilat.site.wsgi import application
from bilat.warehouse.store import Warehouse

from rawdata import he_organisations

# Django closes database connections at the end of each request; allow it.
pytestmark = pytest.mark.django_db


def test_every_indicator_is_listed_with_its_definition(client: Client) -> None:
    found = client.get("/api/indicators").json()
    assert [item["name"] for item in found] == list(indicators.REGISTRY)
    peers = next(item for item in found if item["name"] == "peer_benchmark")
    assert peers["options"] == ["peers"] and peers["caveats"]


def test_an_indicator_answers_as_the_python_api_does(client: Client, bundled: Warehouse) -> None:
    answer = client.get("/api/indicators/by_role?country=US&programme=HE").json()
    expected = indicators.by_role(bundled, programme="HE").to_pylist()
    assert [(r["role"], r["participations"]) for r in answer["rows"]] == [
        (r["role"], r["participations"]) for r in expected
    ]
    assert answer["about"]["definition"] == indicators.by_role.definition
    assert answer["total"] == len(expected)


def test_rows_are_paged(client: Client) -> None:
    first = client.get("/api/indicators/by_state?page_size=5").json()
    second = client.get("/api/indicators/by_state?page_size=5&page=2").json()
    assert first["total"] == second["total"] == 43
    assert len(first["rows"]) == len(second["rows"]) == 5
    assert first["rows"][0]["state"] == "CA" and second["rows"][0] != first["rows"][0]


def test_listings_filter_and_count_facets(client: Client) -> None:
    us = [r for r in he_organisations() if r["country"] == "US"]
    answer = client.get("/api/participations?country=US&page_size=10").json()
    assert answer["total"] == len(us) and len(answer["rows"]) == 10
    assert dict(map(tuple, answer["facets"]["role"])) == dict(Counter(r["role"] for r in us))
    projects = client.get("/api/projects?country=US&programme_part=MSCA").json()
    assert projects["total"] == 476
    organisations = client.get("/api/organisations?country=US&sort=-participations").json()
    assert organisations["total"] == 375
    assert organisations["rows"][0]["name"] == "THE REGENTS OF THE UNIVERSITY OF CALIFORNIA"


def test_one_project_and_one_organisation(client: Client) -> None:
    project = client.get("/api/projects/HE/101071601").json()
    assert project["cordis_url"] == "https://cordis.europa.eu/project/id/101071601"
    assert len(project["participants"]) == sum(
        1 for r in he_organisations() if r["projectID"] == "101071601"
    )
    organisation = client.get("/api/organisations/999467340").json()
    assert organisation["organisation"]["us_state"] == "CA"
    assert len(organisation["projects"]) == 53


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/indicators/headline?country=XX", 400, "'XX' is not a known country"),
        ("/api/indicators/nope", 400, "'nope' is not an indicator"),
        ("/api/indicators/by_role?limit=3", 400, "limit: not an option of by_role"),
        ("/api/indicators/headline?years=1999-1990", 400, "ends before it starts"),
        ("/api/participations?sort=salary", 400, "'salary' is not a column"),
        ("/api/indicators/headline?page_size=0", 400, "greater than or equal to 1"),
        ("/api/projects/HE/1", 404, "HE has no project 1"),
        ("/api/organisations/1", 404, "no participation names the PIC 1"),
        ("/api/projects/FP9/1", 400, "'FP9' is not a programme"),
    ],
)
def test_bad_parameters_get_4xx_with_what_is_accepted(
    client: Client, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert message in response.content.decode()


def test_openapi_document_and_local_docs(client: Client) -> None:
    document = client.get("/api/openapi.json").json()
    assert "/api/indicators/{name}" in document["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in docs and "cdn." not in docs
    # Under the site's header: a visitor who came from the site can go back to it.
    assert '<header class="site">' in docs and 'href="/api/docs" aria-current="page"' in docs
    bundle = client.get("/static/ninja/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """Keep the test's database connection across schemathesis' WSGI calls, as Django's test
    client does: the start and end of each request would otherwise close it, and the test
    transaction with it."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.usefixtures("site_warehouse", "connection_kept")
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_generated_request_gets_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        # The American spelling: unfiltered, it answered all 866 US participations.
        ("/api/participations?country=US&organization_type=HES", "organization_type"),
        # us_state filters the lists, not the indicators: it answered the unfiltered 866.
        ("/api/indicators/headline?country=US&us_state=CA", "us_state"),
        ("/api/indicators/headline?zzz=1", "zzz"),
        ("/api/compare?countries=US&zzz=1", "zzz"),
        ("/api/projects/HE/101071601?zzz=1", "zzz"),
        ("/api/partners?organisation=999467340&zzz=1", "zzz"),
        ("/api/events?zzz=1", "zzz"),
    ],
)
def test_a_parameter_an_endpoint_does_not_read_gets_400_listing_those_it_reads(
    client: Client, url: str, parameter: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400, url
    answer = response.json()
    assert answer["parameter"] == parameter
    assert answer["detail"].startswith(f"{parameter}: not a parameter of this endpoint")
    path = url.split("?")[0]
    document = client.get("/api/openapi.json").json()
    template = next(
        p for p in document["paths"] if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", p), path)
    )
    reads = [
        p["name"] for p in document["paths"][template]["get"]["parameters"] if p["in"] == "query"
    ]
    assert answer["accepted"] == reads  # none for a project: "it reads no query parameter"


def test_the_right_spelling_filters_and_a_shared_links_tags_pass(client: Client) -> None:
    hes = sum(1 for r in he_organisations() if r["country"] == "US" and r["activityType"] == "HES")
    found = client.get("/api/participations?country=US&organisation_type=HES&utm_source=x")
    assert found.status_code == 200 and found.json()["total"] == hes == 555
