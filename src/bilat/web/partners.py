"""The partner-search pages: `/partners/` (the question form and its answer, shareable by
URL, with CSV and XLSX downloads) and the suggestions shown on organisation and project pages.

Parse the query string, call `bilat.bridges.search`, render. Organisations only: no person.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bilat.bridges import search
from bilat.bridges.search import Suggestions
from bilat.downloads import download
from bilat.errors import ParameterError, refuse_unknown
from bilat.records.organisation import parse_pic
from bilat.serving import warehouse
from bilat.warehouse.store import Warehouse

QUESTION = ("organisation", "topic", "part", "field", "text", "side", "limit", "similar")
# What makes a question: the side, the limit or "similar" alone only tune one (the form sent
# with nothing typed in shows the form again, not an error).
ASKING = ("organisation", "topic", "part", "field", "text")
DOWNLOADS = ("csv", "xlsx")


def _question(request: HttpRequest) -> dict[str, str]:
    """The question of the query string, every value checked (a side or limit the page would
    not use answers 400 as a question's would) and any other parameter refused."""
    refuse_unknown(request.GET, QUESTION)
    search.parse_side(request.GET.get("side"))
    search.parse_limit(request.GET.get("limit"))
    return {key: request.GET[key].strip() for key in QUESTION if request.GET.get(key, "").strip()}


def answer(
    store: Warehouse, given: dict[str, str]
) -> tuple[Suggestions | None, list[dict[str, object]]]:
    """The suggestions for a question from the form, or the organisations its name matches
    when it names more than one (the user picks one)."""
    limit = search.parse_limit(given.get("limit"))
    side = search.parse_side(given.get("side"))
    named = given.get("organisation")
    if named:
        if named.isdigit():
            pic = parse_pic(named)
        else:
            matches = search.find_organisations(store, named)
            if not matches:
                raise ParameterError("organisation", f"no organisation's name holds {named!r}")
            if len(matches) > 1 and matches[0]["name"] != named.upper():
                return None, matches
            pic = int(str(matches[0]["pic"]))
        if given.get("similar"):
            return search.similar(store, pic, limit=limit), []
        return search.for_organisation(store, pic, side=side, limit=limit), []
    return search.for_theme(
        store,
        topic=given.get("topic"),
        part=given.get("part"),
        field=given.get("field"),
        text=given.get("text"),
        side=side,
        limit=limit,
    ), []


@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    """The question form; with a question, the ranked organisations and their reasons."""
    store = warehouse()
    given = _question(request)
    asked = any(key in given for key in ASKING)
    found, matches = answer(store, given) if asked else (None, [])
    context = {
        "given": given,
        "found": found,
        "matches": matches,
        "query": urlencode(given),
        "downloads": DOWNLOADS,
        "definition": search.DEFINITION,
        "open": [] if asked else search.open_coordinators(store, limit=10),
    }
    return render(request, "web/partners.html", context)


@require_GET
def partners_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The suggestions of the query string as CSV or XLSX, through the shared writers."""
    if fmt not in DOWNLOADS:
        raise ParameterError("format", f"{fmt!r} is not offered here; use csv or xlsx")
    found, _ = answer(warehouse(), _question(request))
    if found is None:
        raise ParameterError("organisation", "several organisations match: give a PIC")
    return download(found.table(), fmt, "partners")
