"""Views: parse the request, call a service, render. No SQL here.

Errors raised on purpose (an unknown country, a wrong filter) are turned into 400 pages by
`bilat.site.errors`, so views do not catch them.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode

import vl_convert
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bilat import charts, config, exports, indicators
from bilat.cordis.programme_parts import PROGRAMMES
from bilat.cordis.roles import ACTIVITY_TYPES
from bilat.downloads import download, export_format, report_file, streamed
from bilat.errors import ParameterError, WarehouseMissingError, refuse_unknown
from bilat.formatting import readable, title
from bilat.indicators import comparison, filters
from bilat.indicators.benchmark import associations
from bilat.indicators.coverage import Coverage, coverage, gaps, present
from bilat.indicators.filters import parse_countries
from bilat.indicators.scope import parse_subject, resolve
from bilat.records import listing
from bilat.records.organisation import organisation as find_organisation
from bilat.records.organisation import parse_pic
from bilat.records.project import parse_key
from bilat.records.project import project as find_project
from bilat.records.sources import holdings
from bilat.reports import cache as report_cache
from bilat.reports import make as reports
from bilat.serving import warehouse
from bilat.web import comparison as compared
from bilat.web import links, profile
from bilat.web import suggestions as bridges
from bilat.web.forms import FilterForm
from bilat.web.sections import first_row, parameters, section
from bilat.web.tables import grid

# The query parameters each page reads; any other answers 400 naming it (a typo such as
# `organization_type` would otherwise give unfiltered figures as if they were filtered).
FILTERS = tuple(filters.BY_NAME)  # country, programme, years and the other filters
PROFILE = tuple(name for name in FILTERS if name != "country")  # the path names the country
COMPARE = ("countries", *PROFILE)
LISTING = (*FILTERS, "q", "us_state", "sort", "page")
REPORT = ("country", "programme")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The US at a glance: headline numbers per programme, the trend, links onward."""
    refuse_unknown(request.GET, ())
    store = warehouse()
    params = {"country": ("US",)}
    headline = section(store, "headline", params)
    context = {
        "coverage": coverage(store),
        "headline": headline,
        "programmes": [
            row | {"programme_title": PROGRAMMES.get(row["programme"], "All programmes loaded")}
            for row in (headline.data.to_pylist() if headline.data is not None else [])
        ],
        "series": section(store, "series", params, chart=charts.trend),
        "partners": section(
            store,
            "partner_countries",
            params,
            chart=charts.partners,
            columns=["country", "name", "participations", "projects"],
            limit=10,
        ),
        "peers": section(
            store,
            "peer_benchmark",
            params,
            columns=[
                "programme",
                "name",
                "status",
                "participations",
                "ec_contribution",
                "rank_participations",
            ],
        ),
    }
    return render(request, "web/home.html", context)


@require_GET
def country(request: HttpRequest, code: str = "US") -> HttpResponse:
    """A country's profile: every indicator for it, with the filters of the query string."""
    refuse_unknown(request.GET, PROFILE)
    store = warehouse()
    subject = parse_subject(store, code)
    params = parameters(request.GET, country=code)
    scope = resolve(store, **params)
    found = profile.sections(store, params, scope, us="US" in subject.countries)
    total = first_row(found["headline"])
    cover = coverage(store)
    found = profile.absent(found, cover, scope.programmes)
    params_no_country = {k: v for k, v in params.items() if k != "country"}
    context = {
        "subject": subject,
        "code": code.upper(),
        "form": _filter_form(request, cover),
        "query": request.GET.urlencode(),
        "total": total,
        "empty": not total.get("participations"),
        "coverage": cover,
        "gaps": gaps(cover, scope),
        "associations": associations(store, subject.countries),
        "breakdowns": [found[name] for name in profile.BREAKDOWNS],
        "sections": found,
        "compare_query": urlencode(
            {"countries": ",".join(dict.fromkeys([code.upper(), *COMPARED])), **params_no_country},
            doseq=True,
        ),
        "report_formats": list(reports.FORMATS),
        "report_query": urlencode(
            {"country": code, "programme": params.get("programme", ())}, doseq=True
        ),
    }
    return render(request, "web/country.html", context)


@require_GET
def country_picked(request: HttpRequest) -> HttpResponse:
    """The country picker's answer: `/country/?country=CA` redirects to `/country/CA/` (the
    other filters kept); without a country, the US profile."""
    refuse_unknown(request.GET, FILTERS)
    picked = request.GET.get("country", "").strip()
    if "country" not in request.GET:
        return country(request)
    codes = parse_countries(warehouse(), (picked,)) if picked else ("US",)
    kept = request.GET.copy()
    kept.pop("country")
    target = reverse("country", args=[",".join(codes)])
    return HttpResponseRedirect(f"{target}?{kept.urlencode()}" if kept else target)


# The countries compared when none is named: the US and the third countries closest to it.
COMPARED = ("US", "CA", "JP", "CN")


def _compared(request: HttpRequest) -> tuple[comparison.Comparison, dict[str, tuple[str, ...]]]:
    """The comparison a query string asks for (`countries`, repeated or comma-separated, and
    the profile's filters)."""
    refuse_unknown(request.GET, COMPARE)
    given = request.GET.getlist("countries") or list(COMPARED)
    params = filters.read(request.GET)
    params.pop("country", None)
    return comparison.compare(warehouse(), given, **params), params


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Several countries side by side, one column each, with the profile's filters."""
    found, params = _compared(request)
    cover = coverage(warehouse())
    codes = [column.code for column in found.columns]
    query = urlencode({"countries": ",".join(codes), **params}, doseq=True)
    context = {
        "found": found,
        "tables": compared.tables(found),
        "gaps": gaps(cover, found.scope),
        "countries": ", ".join(codes),
        "form": _filter_form(request, cover),
        "coverage": cover,
        "query": query,
        "filters_query": urlencode(params, doseq=True),
        "formats": [("CSV", "csv"), ("XLSX", "xlsx"), ("JSON", "json")],
    }
    return render(request, "web/compare.html", context)


@require_GET
def compare_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The comparison as a file: one row per figure, one column per country."""
    export_format(fmt)
    found, _ = _compared(request)
    return download(found.table(), fmt, "compare-" + "_".join(c.code for c in found.columns))


@require_GET
def organisation(request: HttpRequest, pic: str) -> HttpResponse:
    """An organisation by PIC: identity, participations over time, projects, partners."""
    refuse_unknown(request.GET, ())
    found = find_organisation(warehouse(), parse_pic(pic))
    if found is None:
        raise Http404(f"No participation names the PIC {pic}.")
    identity = found.identity
    context = {
        "org": identity,
        "name": readable(identity["name"] or str(identity["pic"])),
        "place": _place(identity),
        "activity": ACTIVITY_TYPES.get(identity["activity_type"] or "", None),
        "chart": charts.years(found.by_year) if found.by_year.num_rows else None,
        "by_year": grid(found.by_year, drop_empty=True, label="Participations per year"),
        "projects": grid(found.projects, drop_empty=True, label="Projects"),
        "partner_organisations": grid(
            found.partner_organisations, drop_empty=True, label="Partner organisations"
        ),
        "partner_countries": grid(
            found.partner_countries, drop_empty=True, label="Partner countries"
        ),
        **bridges.for_organisation_page(warehouse(), int(found.identity["pic"])),
    }
    return render(request, "web/organisation.html", context)


def _place(identity: dict[str, object]) -> str:
    """The organisation's city in a readable case, with its US state unless the city's name
    already ends with it ("OAKLAND CA" in CORDIS)."""
    city = readable(str(identity["city"] or ""))
    state = str(identity["us_state"] or "")
    if state and not city.upper().endswith(f" {state}"):
        return f"{city}, {state}" if city else state
    return city


@require_GET
def project(request: HttpRequest, programme: str, project_id: str) -> HttpResponse:
    """A project: identity, dates, part, scheme, amounts, participants by country."""
    refuse_unknown(request.GET, ())
    code, number = parse_key(programme, project_id)
    store = warehouse()
    found = find_project(store, code, number)
    if found is None:
        raise Http404(f"{code} has no project {project_id} in the warehouse.")
    context = {
        "project": found.identity,
        "participations_loaded": coverage(store).get(code).participations,
        "programme_title": PROGRAMMES[code],
        "cordis_url": found.cordis_url,
        "fields": found.fields,
        "participants": grid(found.participants, drop_empty=True, label="Participants"),
        "by_country": grid(found.by_country, drop_empty=True, label="Participants by country"),
        "chart": charts.bars(found.by_country, category="name", category_title="Country")
        if found.by_country.num_rows
        else None,
        "could_join": bridges.for_project_page(warehouse(), code, number),
    }
    return render(request, "web/project.html", context)


@require_GET
def explore(request: HttpRequest, table: str = "participations") -> HttpResponse:
    """A filterable, sortable, paginated table with facet counts and exports."""
    refuse_unknown(request.GET, LISTING)
    store = warehouse()
    query = listing.parse(store, table, request.GET)
    page = listing.listing(store, query, page=request.GET.get("page"))
    cover = coverage(store)
    shown = page.visible()
    context = {
        "page": page,
        "query": query,
        "download_refused": _download_refused(request, query, page.total),
        "coverage": cover,
        "grid": grid(page.rows, columns=shown, label=f"Table: {table}"),
        "form": _filter_form(request, cover),
        "facets": links.facets(request, page.facets),
        "active": links.active_filters(request),
        "sorts": links.sorts(request, page, shown),
        "params": request.GET.urlencode(),
        "pages": links.pages(request, page),
    }
    return render(request, "web/explore.html", context)


@require_GET
def export_indicator(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """An indicator as CSV, XLSX, JSON or Parquet, with the query string's parameters."""
    indicator = indicators.get(name)
    params = filters.read(request.GET)
    options = {key: request.GET[key] for key in request.GET if key not in filters.BY_NAME}
    table = indicator(warehouse(), **params, **options)
    stem = f"{name}-{'_'.join(params.get('country', ('US',)))}"
    return download(table, fmt, stem, titles=title)


@require_GET
def export_listing(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    """Every row of an explore view (with its filters) as CSV, XLSX, JSON or Parquet; a CSV
    is streamed as it is read. Visitors who are not signed in get at most
    BILAT_ANONYMOUS_EXPORT_ROWS rows at once."""
    refuse_unknown(request.GET, LISTING)
    export_format(fmt)
    store = warehouse()
    query = listing.parse(store, table, request.GET)
    refused = _download_refused(request, query, listing.count(store, query))
    if refused:
        raise ParameterError("rows", refused)
    if fmt != "csv":
        return download(listing.export(store, query), fmt, table, titles=title)
    columns = query.table.columns
    return streamed(exports.csv_pieces(columns, listing.export_batches(store, query)), fmt, table)


def _download_refused(request: HttpRequest, query: listing.Query, rows: int) -> str | None:
    """Why a download of `rows` rows is refused to this visitor, or None when it is not."""
    most = int(config.get("BILAT_ANONYMOUS_EXPORT_ROWS"))
    if rows <= most or request.user.is_authenticated:
        return None
    kept = request.GET.copy()
    kept.pop("page", None)
    first = f"/api/{query.table.name}?{kept.urlencode()}{'&' if kept else ''}page_size=1000&page=1"
    return (
        f"this download would hold {rows:,} rows; downloads without signing in hold at most "
        f"{most:,}. Narrow the filters, or read every row from the JSON API 1,000 at a time "
        f"({first}, then page=2, 3, ...), or build the warehouse with `bilat ingest` and "
        "export from Python (bilat.records.listing.export)."
    )


@require_GET
def report(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """A monitoring report for the country (and programme) of the query string."""
    refuse_unknown(request.GET, REPORT)
    if fmt not in reports.FORMATS:
        raise ParameterError("format", f"{fmt!r} is not a report format; use pdf, html or xlsx")
    country = request.GET.get("country") or "US"
    programme = request.GET.get("programme") or None
    written = report_cache.report(warehouse(), name, fmt, country=country, programme=programme)
    stem = "-".join(part for part in (name, country, programme) if part)
    return report_file(written, fmt, stem)


@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    """What is loaded: per programme, which CORDIS tables are there and which are missing."""
    refuse_unknown(request.GET, ())
    try:
        found = holdings(warehouse())
    except WarehouseMissingError as error:
        return render(request, "web/sources.html", {"missing": str(error)}, status=503)
    context = {
        "programmes": found.programmes,
        "files": found.files,
        "counts": found.counts,
        "quarantined": found.quarantined,
        "indicators": indicators.REGISTRY.values(),
        "totals": found.totals,
        "record": found.record,
    }
    return render(request, "web/sources.html", context)


@cache
def bundle_script() -> bytes:
    """The chart libraries as one script (built once per process, about 2 s)."""
    snippet = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"
    return vl_convert.javascript_bundle(snippet).encode("utf-8")


@require_GET
def vega_bundle(request: HttpRequest) -> HttpResponse:
    """vega, vega-lite and vega-embed in one script, built locally by vl-convert (no CDN)."""
    response = HttpResponse(bundle_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _filter_form(request: HttpRequest, cover: Coverage) -> FilterForm:
    """The filter form of a page, offering what the loaded data can answer."""
    return FilterForm(
        request.GET, loaded=[p.code for p in cover.loaded], present=present(warehouse())
    )
