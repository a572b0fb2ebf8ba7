"""The root of the JSON API (django-ninja): one router per app, and the one place where errors
raised on purpose become API answers. OpenAPI at /api/openapi.json, interactive docs at
/api/docs from local files.

A parameter that is not accepted, out of its bounds or of the wrong type answers 400 with the
message and the parameter's name, a missing warehouse 503; a request body that does not fit
its schema gets ninja's 422. Never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError

from bilat.coordination.api import router as coordination
from bilat.errors import ParameterError, WarehouseMissingError, first_unknown
from bilat.web.api import router as observatory
from bilat.web.partners_api import router as partners


class _Docs(Swagger):
    """ninja's interactive docs under the site's own header and navigation: a visitor who
    follows "API" from the site can go back to it (ninja's own page is a bare Swagger UI)."""

    template = "web/api_docs.html"


api = NinjaAPI(
    title="bilat API",
    version="1",
    description=(
        "Indicators of participation in FP7, Horizon 2020 and Horizon Europe from CORDIS "
        "data (© European Union, CC BY 4.0), for the US or any country or group; and the "
        "coordination side's published events and recommendations register."
    ),
    urls_namespace="api",
    docs=_Docs(),
)


@api.exception_handler(ParameterError)
def _bad_parameter(request: HttpRequest, error: ParameterError) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(error), "parameter": error.parameter}, status=400
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A query or path parameter out of its bounds or of the wrong type answers 400 naming
    it, as a ParameterError does; a body that does not fit its schema keeps ninja's 422."""
    first = error.errors[0] if error.errors else {}
    where, *name = [str(part) for part in first.get("loc", ())] or ["body"]
    if where not in ("query", "path") or not name:
        return api.create_response(request, {"detail": error.errors}, status=422)
    parameter = name[0]
    given = request.GET.get(parameter)
    shown = f"{given!r} is not accepted: " if given is not None else ""
    message = str(first.get("msg", "not accepted"))
    return api.create_response(
        request,
        {
            "detail": f"{parameter}: {shown}{message[:1].lower()}{message[1:]}",
            "parameter": parameter,
        },
        status=400,
    )


@api.exception_handler(WarehouseMissingError)
def _no_warehouse(request: HttpRequest, error: WarehouseMissingError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=503)


api.add_router("/", observatory)
api.add_router("/", coordination)
api.add_router("/partners", partners)


@cache
def accepted_parameters() -> dict[tuple[str, str], tuple[str, ...]]:
    """The query parameters each endpoint reads, by (OpenAPI path, method), from the OpenAPI
    document: what the answer of a parameter it does not read lists."""
    schema: dict[str, Any] = api.get_openapi_schema(path_prefix="/api/")
    return {
        (path, method): tuple(
            p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"
        )
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


class KnownParameters:
    """Refuse a query parameter an API endpoint does not read with a 400 naming it and
    listing those it reads (`organization_type` for `organisation_type`, `us_state` on an
    indicator), rather than ignore it and answer unfiltered figures as if it had filtered.
    What newsletters and ads add to a link (`utm_source`, `fbclid`...) is let through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace != "api" or not request.GET:
            return None
        path = "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", match.route)
        accepted = accepted_parameters().get((path, (request.method or "get").lower()))
        if accepted is None:
            return None
        name = first_unknown(request.GET, accepted)
        if name is None:
            return None
        reads = ", ".join(accepted) or "no query parameter"
        return JsonResponse(
            {
                "detail": f"{name}: not a parameter of this endpoint; it reads {reads}",
                "parameter": name,
                "accepted": list(accepted),
            },
            status=400,
        )
