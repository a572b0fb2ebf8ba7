"""Labels, not codes: names CORDIS writes in capitals read in a readable case with CORDIS's
spelling kept beside them, roles and organisation types by their titles, country lists
without stray quotes or countries that no longer exist, workbooks with readable headers."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from html import unescape

from django.test import Client
from python_calamine import CalamineWorkbook

from bilat.coordination import countries
from bilat.cordis.roles import ACTIVITY_TYPES, ROLE_TITLES
from bilat.formatting import readable, title
from bilat.warehouse.store import Warehouse

from rawdata import he_organisations


def _largest_us_organisation() -> dict[str, str]:
    counts = Counter(r["organisationID"] for r in he_organisations() if r["country"] == "US")
    pic = counts.most_common(1)[0][0]
    return next(r for r in he_organisations() if r["organisationID"] == pic)


def test_upper_case_names_read_in_a_readable_case_with_cordis_spelling_kept(
    client: Client,
) -> None:
    row = _largest_us_organisation()
    name = row["name"]
    assert name == name.upper()  # CORDIS writes it in capitals
    shown = readable(name)
    assert shown != name and shown.lower() == name.lower()
    profile = unescape(client.get("/country/US/").content.decode())
    assert f'title="In CORDIS: {name}">{shown}<' in profile
    assert f">{name}<" not in profile
    page = unescape(client.get(f"/organisation/{row['organisationID']}/").content.decode())
    assert f"<h1>{shown}</h1>" in page
    assert f"Name in CORDIS: {name}" in page
    assert ACTIVITY_TYPES[row["activityType"]] in page
    assert not re.search(r">\s*(HES|REC|PRC|PUB|OTH)\s*<", page)


def test_pages_write_roles_and_types_by_their_titles(client: Client) -> None:
    html = client.get("/country/US/").content.decode()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    codes = set(ROLE_TITLES) | set(ACTIVITY_TYPES)
    assert not codes & set(cells)
    assert "Associated partner" in cells and "Higher or secondary education" in cells


def test_country_lists_have_neither_stray_quotes_nor_obsolete_countries(
    bundled: Warehouse,
) -> None:
    names = countries.names()
    assert not [name for name in names.values() if '"' in name]
    assert names["XK"] == "Kosovo"
    assert "CS" not in names and "YU" not in names  # Serbia and Montenegro, Yugoslavia
    rows = bundled.query("SELECT cordis_code, name, current FROM countries")
    assert not [row for row in rows if '"' in row["name"]]
    gone = {row["cordis_code"] for row in rows if not row["current"]}
    assert gone == {"KO", "CS", "YU"}


def test_workbooks_carry_titles_and_other_formats_the_field_names(client: Client) -> None:
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(client.get("/export/by_state.xlsx?country=US").content)
    )
    header = book.get_sheet_by_name(book.sheet_names[0]).to_python()[0]
    fields = next(csv.reader(io.StringIO(client.get("/export/by_state.csv?country=US").text)))
    assert header == [title(field) for field in fields]
    assert "EU contribution" in header and "ec_contribution" in fields
    about = [row for row in book.get_sheet_by_name("About").to_python() if row[0] == "columns"]
    assert "EU contribution: ec_contribution" in about[0][1].splitlines()


def test_explore_facets_name_roles_and_types_by_their_titles(client: Client) -> None:
    html = unescape(client.get("/explore/participations/?country=US").content.decode())
    facets = html.split('aria-label="Facets"', 1)[1].split("</aside>", 1)[0]
    links = re.findall(r"<a [^>]*>([^<]+)</a>", facets)
    assert "Associated partner" in links and "Higher or secondary education" in links
    assert not (set(ROLE_TITLES) | set(ACTIVITY_TYPES)) & set(links)


CAPITALS = re.compile(r"\b[A-Z][A-Z'\-]+(?:\s+[A-Z][A-Z'\-]+){2,}\b")


def visible_text(html: str) -> str:
    """What a reader sees: no tags, no attribute (the CORDIS spelling on hover is one)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_partner_search_writes_names_in_a_readable_case_with_cordis_spelling_on_hover(
    client: Client,
) -> None:
    row = _largest_us_organisation()
    name, pic = row["name"], row["organisationID"]
    pages = {
        "answer": f"/partners/?organisation={pic}",
        "which organisation": "/partners/?organisation=university+of+california",
        "open coordinators": "/partners/",
        "organisation page": f"/organisation/{pic}/",
    }
    for what, url in pages.items():
        html = client.get(url).content.decode()
        if what == "organisation page":  # its suggestions (its heading gives CORDIS's name)
            html = html[html.index('<h2 id="suggested"') :]
        seen = visible_text(html)
        assert not CAPITALS.findall(seen), (what, CAPITALS.findall(seen)[:3])
        assert not re.search(r", (HES|REC|PRC|PUB|OTH)\)", seen), what
        assert re.search(r'title="In CORDIS: [^"]+">[^<]+</span>', html), what
    answer = unescape(client.get(pages["answer"]).content.decode())
    assert f'for <span title="In CORDIS: {name}">{readable(name)}</span></h2>' in answer
    assert f"worked with {readable(name)} (" in visible_text(answer)


def test_the_profile_names_the_country_as_a_sentence_does_and_shows_whole_placeholders(
    client: Client,
) -> None:
    page = client.get("/country/US/").content.decode()
    assert "Participation of organisations from the United States in" in page
    assert "from Canada in" in client.get("/country/CA/").content.decode()
    years = re.search(r'<input type="text" name="years"[^>]*>', page)
    assert years, "the years box"
    placeholder = re.search(r'placeholder="([^"]*)"', years[0])
    size = re.search(r'size="(\d+)"', years[0])
    assert placeholder and size and int(size[1]) >= len(placeholder[1])


def test_rows_without_an_organisation_type_are_titled_like_the_others(client: Client) -> None:
    """The US participations without an activity type in the raw file fall in one bucket,
    written "Unknown" beside "Higher or secondary education", on the page and in the CLI's
    comparison, not as the code `unknown`."""
    untyped = sum(1 for r in he_organisations() if r["country"] == "US" and not r["activityType"])
    assert untyped > 0
    answer = client.get("/api/indicators/by_organisation_type?country=US").json()
    rows = {row["organisation_type"]: row for row in answer["rows"]}
    assert rows["unknown"]["title"] == "Unknown"
    assert rows["unknown"]["participations"] == untyped
    profile = client.get("/country/US/").content.decode()
    assert "<td>unknown</td>" not in profile
