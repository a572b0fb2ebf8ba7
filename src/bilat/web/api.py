"""The observatory's side of the JSON API (a django-ninja router that `bilat.site.api`
mounts): every indicator, and projects, organisations and participations with the same
filters, paginated.

Errors raised on purpose (`ParameterError`, `WarehouseMissingError`) and query or path values
out of bounds or of the wrong type are left to the API root, which answers 400 (naming the
parameter) or 503; a request body that does not fit its schema gets ninja's 422.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from bilat import exports, indicators
from bilat.indicators import comparison
from bilat.indicators.filters import BY_NAME
from bilat.indicators.numbers import MAX_PAGE, page_number
from bilat.records import listing
from bilat.records.organisation import organisation as find_organisation
from bilat.records.project import parse_key
from bilat.records.project import project as find_project
from bilat.serving import warehouse

router = Router(tags=["observatory"])


def _help(name: str) -> str:
    return f"{BY_NAME[name].help} Repeat the parameter for several values."


class Filters(Schema):
    """The filters of `bilat.indicators.filters`, written out because ninja reads the fields of
    a class (a test checks them against the declaration). Repeated parameters give several
    values: names may hold commas."""

    country: list[str] | None = Field(None, description=_help("country"))
    programme: list[str] | None = Field(None, description=_help("programme"))
    years: str | None = Field(None, description=BY_NAME["years"].help)
    programme_part: list[str] | None = Field(None, description=_help("programme_part"))
    scheme_group: list[str] | None = Field(None, description=_help("scheme_group"))
    role: list[str] | None = Field(None, description=_help("role"))
    organisation_type: list[str] | None = Field(None, description=_help("organisation_type"))
    field: list[str] | None = Field(None, description=_help("field"))


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(100, ge=1, le=1000)


class IndicatorOptions(Schema):
    limit: int | None = Field(None, ge=1, le=1000, description="rows or nodes, where taken")
    order: str | None = Field(
        None, description="top_organisations: participations or ec_contribution"
    )
    peers: str | None = Field(None, description="peer_benchmark: comma-separated countries")


class IndicatorInfo(Schema):
    name: str
    title: str
    unit: str
    definition: str
    caveats: list[str]
    options: list[str]


class Rows(Schema):
    about: dict[str, Any]
    total: int
    page: int
    page_size: int
    rows: list[dict[str, Any]]


class Listed(Schema):
    total: int
    page: int
    pages: int
    sort: str
    rows: list[dict[str, Any]]
    facets: dict[str, list[tuple[Any, int]]]


def _given(schema: Schema) -> dict[str, Any]:
    return {key: value for key, value in schema.dict().items() if value not in (None, "", [])}


@router.get("/indicators", response=list[IndicatorInfo], summary="List the indicators")
def list_indicators(request: HttpRequest) -> list[IndicatorInfo]:
    return [
        IndicatorInfo(
            name=i.name,
            title=i.title,
            unit=i.unit,
            definition=i.definition,
            caveats=list(i.caveats),
            options=[o.name for o in i.options],
        )
        for i in indicators.REGISTRY.values()
    ]


@router.get("/indicators/{name}", response=Rows, summary="Compute one indicator")
def indicator(
    request: HttpRequest,
    name: str,
    filters: Query[Filters],
    options: Query[IndicatorOptions],
    paging: Query[Paging],
) -> Rows:
    table = indicators.get(name)(warehouse(), **_given(filters), **_given(options))
    page_number("page", paging.page, last=listing.last_page(table.num_rows, paging.page_size))
    start = (paging.page - 1) * paging.page_size
    rows = exports.records(table.slice(start, paging.page_size))
    return Rows(
        about=exports.about(table),
        total=table.num_rows,
        page=paging.page,
        page_size=paging.page_size,
        rows=rows,
    )


class Compared(Schema):
    """A comparison's answer: the countries (columns), then each block's rows with one value
    per country (null where the country has no participation under the filters)."""

    about: dict[str, Any]
    columns: list[dict[str, Any]]
    blocks: list[dict[str, Any]]


@router.get("/compare", response=Compared, summary="Compare several countries side by side")
def compare(
    request: HttpRequest,
    filters: Query[Filters],
    countries: Annotated[
        list[str],
        Query(
            description="Countries to compare, each its own column (codes or English names; "
            "repeat the parameter or separate with commas), at most "
            f"{comparison.MAX_COUNTRIES}."
        ),
    ],
) -> Compared:
    given = _given(filters)
    given.pop("country", None)
    found = comparison.compare(warehouse(), countries, **given)
    codes = [column.code for column in found.columns]
    return Compared(
        about=exports.about(found.table()),
        columns=[
            {
                "code": c.code,
                "name": c.label,
                "participations": c.participations,
                "has_data": c.has_data,
            }
            for c in found.columns
        ],
        blocks=[
            {
                "name": block.name,
                "title": block.title,
                "indicator": block.indicator,
                "rows": [
                    {
                        "item": row.item,
                        "measure": row.measure,
                        "incomplete": row.incomplete,
                        "values": {
                            code: exports.plain(value)
                            for code, value in zip(codes, row.values, strict=True)
                        },
                    }
                    for row in block.rows
                ],
            }
            for block in found.blocks
        ],
    )


SEARCH_HELP = (
    "Words to find, each in the table's names or titles or in a theme of the row's project: "
    "its topic titles, legal-basis titles and EuroSciVoc fields of science."
)
STATE_HELP = "US states by two-letter code (CA, MA); repeat the parameter for several."


def _listing(
    table: str,
    filters: Filters,
    paging: Paging,
    q: str | None,
    sort: str | None,
    us_state: list[str] | None = None,
) -> Listed:
    store = warehouse()
    params = _given(filters) | {"q": q, "sort": sort, "us_state": us_state}
    query = listing.parse(store, table, params)
    page = listing.listing(store, query, page=paging.page, size=paging.page_size)
    return Listed(
        total=page.total,
        page=page.page,
        pages=page.pages,
        sort=page.sort,
        rows=exports.records(page.rows),
        facets={k: [(exports.plain(v), n) for v, n in found] for k, found in page.facets.items()},
    )


def _listing_endpoint(table: str) -> None:
    """GET /api/<table>: participations, projects and organisations take the same query."""

    def endpoint(
        request: HttpRequest,
        filters: Query[Filters],
        paging: Query[Paging],
        q: Annotated[str | None, Query(description=SEARCH_HELP)] = None,
        sort: str | None = None,
        us_state: Annotated[list[str] | None, Query(description=STATE_HELP)] = None,
    ) -> Listed:
        return _listing(table, filters, paging, q, sort, us_state)

    endpoint.__name__ = table
    router.get(f"/{table}", response=Listed, summary=f"List {table}")(endpoint)


for _table in listing.TABLES:
    _listing_endpoint(_table)


@router.get("/projects/{programme}/{project_id}", summary="One project and its participants")
def project(request: HttpRequest, programme: str, project_id: str) -> dict[str, Any]:
    code, number = parse_key(programme, project_id)
    found = find_project(warehouse(), code, number)
    if found is None:
        raise HttpError(404, f"{code} has no project {project_id} in the warehouse")
    return {
        "project": {k: exports.plain(v) for k, v in found.identity.items()},
        "cordis_url": found.cordis_url,
        "fields": found.fields,
        "participants": exports.records(found.participants),
    }


@router.get("/organisations/{pic}", summary="One organisation, its projects and partners")
def organisation(
    request: HttpRequest, pic: Annotated[int, Path(ge=1, le=999_999_999_999)]
) -> dict[str, Any]:
    found = find_organisation(warehouse(), pic)
    if found is None:
        raise HttpError(404, f"no participation names the PIC {pic}")
    return {
        "organisation": {k: exports.plain(v) for k, v in found.identity.items()},
        "by_year": exports.records(found.by_year),
        "projects": exports.records(found.projects),
        "partner_organisations": exports.records(found.partner_organisations),
        "partner_countries": exports.records(found.partner_countries),
    }
