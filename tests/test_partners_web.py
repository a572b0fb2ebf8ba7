"""The partner-search pages and API on the bundled data, through Django's test client."""

from __future__ import annotations

import csv
import io

from django.test import Client
from python_calamine import CalamineWorkbook

UC = 999467340
CNRS = 999997930


def test_the_partner_page_answers_a_shareable_question(client: Client) -> None:
    page = client.get("/partners/", {"organisation": str(UC), "limit": "5"})
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'European partners for <span title="In CORDIS: THE REGENTS OF THE UNIVERSITY OF '
        'CALIFORNIA">The Regents of the University of California</span>'
    ) in html
    assert html.count('<ul class="reasons">') == 5
    assert f'href="/organisation/{CNRS}/"' in html
    assert 'href="/partners.csv?organisation=999467340&amp;limit=5"' in html


def test_a_name_that_matches_several_organisations_asks_which(client: Client) -> None:
    html = client.get("/partners/", {"organisation": "university of california"}).content
    assert b"Which organisation?" in html
    assert f"?organisation={UC}".encode() in html


def test_downloads_hold_the_suggestions(client: Client) -> None:
    query = {"topic": "HORIZON-CL5", "limit": "7"}
    page = client.get("/partners/", query).content.decode()
    answer = client.get("/partners.csv", query)
    assert answer["Content-Disposition"] == 'attachment; filename="partners.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert len(rows) == 7
    assert all(row["name"] in page for row in rows)
    sheet = client.get("/partners.xlsx", query).content
    book = CalamineWorkbook.from_filelike(io.BytesIO(sheet))
    assert book.sheet_names == ["partners", "About"]
    assert [r[2] for r in book.get_sheet_by_name("partners").to_python()[1:]] == [
        row["name"] for row in rows
    ]


def test_a_wrong_question_gets_a_400_that_names_the_parameter(client: Client) -> None:
    assert client.get("/partners/", {"field": "no such field"}).status_code == 400
    assert client.get("/partners/", {"side": "CA", "topic": "HORIZON-CL5"}).status_code == 400
    assert client.get("/partners.pdf", {"topic": "HORIZON-CL5"}).status_code == 400


def test_organisation_and_project_pages_show_suggestions(client: Client) -> None:
    html = client.get(f"/organisation/{UC}/").content.decode()
    assert "Suggested partners across the Atlantic" in html
    assert "Similar organisations" in html
    assert html.count('<ul class="reasons">') == 15
    project = client.get("/project/HE/101071601/").content.decode()
    assert "Organisations that could have joined" in project
    assert project.count('<ul class="reasons">') == 10


def test_the_api_gives_the_same_suggestions_with_reasons(client: Client) -> None:
    answer = client.get("/api/partners", {"organisation": str(UC), "limit": 3}).json()
    assert [row["rank"] for row in answer["rows"]] == [1, 2, 3]
    assert answer["rows"][0]["pic"] == CNRS
    assert all(row["reasons"] for row in answer["rows"])
    opened = client.get("/api/partners/open-coordinators", {"part": "Health", "limit": 2}).json()
    assert len(opened) == 2 and all(row["projects"] for row in opened)
    assert client.get("/api/partners", {"side": "XX", "topic": "X"}).status_code == 400


def test_the_form_sent_with_nothing_asked_shows_the_form_again(client: Client) -> None:
    # The side and the number of results only tune a question: alone they are not one (the
    # crawl found these answering 400).
    for query in ({"limit": "20"}, {"limit": "20", "side": "EU"}, {"side": "US"}):
        page = client.get("/partners/", query)
        assert page.status_code == 200
        assert "European coordinators open to US partners" in page.content.decode()
