"""Links that change one thing in a listing's query string: a facet value, the sort, the page.

Every other parameter is kept, so that filters survive each click and a view stays a URL.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bilat.cordis import reference
from bilat.formatting import text, title
from bilat.records import listing

# Every parameter that narrows a listing, in the order the summary names them, with its name
# and the column whose titles its values read by (a role by its title, not its code).
FILTERS = (
    ("q", "search", None),
    ("country", "country", None),
    ("programme", "programme", None),
    ("years", "years", None),
    ("programme_part", "programme part", None),
    ("scheme_group", "scheme group", None),
    ("role", "role", "role"),
    ("organisation_type", "organisation type", "activity_type"),
    ("field", "field of science", None),
    ("us_state", "US state", None),
)


def active_filters(request: HttpRequest) -> list[dict[str, str]]:
    """Each filter value the query string holds (search words, state, field...), in words,
    with a link that removes that value alone and keeps every other."""
    states = {row["code"]: row["name"] for row in reference.rows("us_states")}
    found = []
    for parameter, name, column in FILTERS:
        values = request.GET.getlist(parameter)
        for position, value in enumerate(values):
            if not value.strip():
                continue
            if parameter == "q":
                shown = f"“{value.strip()}”"
            elif parameter == "us_state":
                shown = states.get(value.strip().upper(), value)
            else:
                shown = text(column, value) if column else value
            query = request.GET.copy()
            query.setlist(parameter, values[:position] + values[position + 1 :])
            query.pop("page", None)
            found.append({"label": f"{name}: {shown}", "href": f"?{query.urlencode()}"})
    return found


def facets(
    request: HttpRequest, found: dict[str, list[tuple[object, int]]]
) -> list[dict[str, Any]]:
    """Each facet value as a link that adds it to the filters."""
    result = []
    for column, values in found.items():
        parameter = listing.FACET_PARAMETER[column]
        values_links = []
        for value, count in values:
            query = request.GET.copy()
            query[parameter] = str(value)
            query.pop("page", None)
            values_links.append(
                {
                    "value": text(column, value),  # a role or type by its title
                    "count": count,
                    "href": f"?{query.urlencode()}",
                    "active": request.GET.get(parameter) == str(value),
                }
            )
        result.append(
            {
                "column": column,
                "title": title(column),
                "parameter": parameter,
                "links": values_links,
            }
        )
    return result


def sorts(request: HttpRequest, page: listing.Page, columns: list[str]) -> list[dict[str, Any]]:
    """Each column header shown as a link that sorts by it (again: the other way)."""
    links = []
    for column in columns:
        query = request.GET.copy()
        query["sort"] = f"-{column}" if page.sort != f"-{column}" else column
        query.pop("page", None)
        state = (
            "descending"
            if page.sort == f"-{column}"
            else ("ascending" if page.sort == column else None)
        )
        links.append(
            {
                "column": column,
                "title": title(column),
                "href": f"?{query.urlencode()}",
                "state": state,
            }
        )
    return links


def pages(request: HttpRequest, page: listing.Page) -> dict[str, str | None]:
    """Links to the previous and next pages, keeping the filters."""

    def at(number: int) -> str | None:
        if not 1 <= number <= page.pages:
            return None
        query = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    return {"previous": at(page.page - 1), "next": at(page.page + 1)}
