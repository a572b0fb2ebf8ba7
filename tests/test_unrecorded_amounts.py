"""A sum of only amounts CORDIS leaves empty (associated partners' EU contribution) reads
"—" with its reason, never €0: on every country profile of the bundled warehouse (the card,
the subject's own tables, its partner countries, the peer benchmark), on the comparison and
in its downloads. The countries concerned are found in the warehouse, not listed here."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

from django.test import Client
from python_calamine import CalamineWorkbook

from bilat.formatting import NO_AMOUNT, NO_AMOUNT_WHY, title
from bilat.warehouse.store import Warehouse
from test_web_pages import text_of

# The profile's sections that hold the subject's own participations only.
OWN = ("headline", "by_role", "by_organisation_type", "by_programme_part", "by_field")


class Tables(HTMLParser):
    """The tables of a page, by the id of the section holding them: header and cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[list[str]]] = {}
        self.section = ""
        self.cell: list[str] | None = None
        self.row: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.section = dict(attrs).get("id") or ""
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.found.setdefault(self.section, []).append(self.row)

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.found


def amounts(rows: list[list[str]]) -> list[str]:
    """The cells under the "EU contribution" header of a section's table."""
    if not rows or "EU contribution" not in rows[0]:
        return []
    at = rows[0].index("EU contribution")
    return [row[at] for row in rows[1:] if len(row) > at]


def test_every_profile_shows_sums_of_only_unrecorded_amounts_as_missing(
    client: Client, bundled: Warehouse
) -> None:
    countries = bundled.arrow(
        """SELECT country, count(ec_contribution) = 0 AS unpriced FROM participations
           WHERE country IS NOT NULL GROUP BY country ORDER BY country"""
    ).to_pylist()
    unpriced = {row["country"] for row in countries if row["unpriced"]}
    assert len(unpriced) >= 20  # the bundled HE data has dozens (NP, BO, AD, QA...)
    partners = bundled.arrow(
        """SELECT s.country AS subject, p.country AS partner
           FROM (SELECT DISTINCT country, project_id FROM participations) s
           JOIN participations p ON p.project_id = s.project_id AND p.country <> s.country
           WHERE p.country IS NOT NULL
           GROUP BY 1, 2 HAVING count(p.ec_contribution) = 0"""
    ).to_pylist()
    unpriced_partners: dict[str, set[str]] = {}
    for row in partners:
        unpriced_partners.setdefault(row["subject"], set()).add(row["partner"])
    checked_partners = 0
    for code in [row["country"] for row in countries]:
        response = client.get(f"/country/{code}/")
        assert response.status_code == 200, code
        html = response.content.decode()
        found = tables_of(html)
        page = text_of(response)
        if code in unpriced:
            assert f"— EU contribution: {NO_AMOUNT_WHY}" in page, code
            assert "EU contribution,  of all" not in page, code
            for section in OWN:
                assert "€0" not in amounts(found.get(section, [])), (code, section)
            assert NO_AMOUNT in page, code
            peer = [row for row in found.get("peer_benchmark", []) if code in row[:2]]
            assert peer and all("€0" not in amounts([found["peer_benchmark"][0], row])
                                for row in peer), code  # fmt: skip
        rows = found.get("partner_countries", [])
        for row in rows[1:]:
            if row and row[0] in unpriced_partners.get(code, set()):
                assert amounts([rows[0], row]) == ["—"], (code, row)
                checked_partners += 1
    assert checked_partners > 0


def test_the_comparison_and_its_downloads_leave_unrecorded_sums_empty(client: Client) -> None:
    page = text_of(client.get("/compare/?countries=NP,BO,US"))
    assert re.search(r"EU contribution \(EUR\) — — €52\.8 million", page)
    assert re.search(r"Share of all EU contribution — — 0\.2%", page)
    assert NO_AMOUNT in page
    body = client.get("/compare.csv?countries=NP,BO,US").content.decode()
    lines = {row[1]: row[4:] for row in csv.reader(io.StringIO(body)) if len(row) > 4}
    assert lines["EU contribution (EUR)"] == ["", "", "52761214.82"]
    assert lines["Share of all EU contribution"][:2] == ["", ""]
    workbook = client.get("/compare.xlsx?countries=NP,BO,US").content
    cells = CalamineWorkbook.from_filelike(io.BytesIO(workbook)).get_sheet_by_index(0).to_python()
    sheet = {line[1]: line[4:] for line in cells[1:]}
    assert sheet["EU contribution (EUR)"][:2] == ["", ""]  # empty cells, not 0
    assert sheet["EU contribution (EUR)"][2] == 52761214.82
    api = client.get("/api/compare?countries=NP,BO,US").json()
    headline = {row["measure"]: row["values"] for row in api["blocks"][0]["rows"]}
    assert headline["ec_contribution"]["NP"] is None and headline["ec_contribution"]["BO"] is None
    assert headline["share_ec_contribution"]["NP"] is None


def test_share_titles_keep_the_capitals_of_eu() -> None:
    assert title("share_net_ec_contribution") == "Share: net EU contribution"
    assert title("share_funded_participations") == "Share: funded"


def test_a_report_says_an_unrecorded_contribution_is_not_recorded(client: Client) -> None:
    """Nepal's one participation is an associated partner's: the report's summary says its EU
    contribution is not recorded, not that Nepal received "no amount" ("None of the total")."""
    page = text_of(client.get("/report/us-participation.html?country=NP"))
    assert f"Their EU contribution is {NO_AMOUNT_WHY}." in page
    assert "no amount" not in page and "None of the total" not in page
