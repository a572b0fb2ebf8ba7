"""The one place where errors raised on purpose become HTTP answers.

A parameter that is not accepted is the visitor's mistake: 400 with the message that says
what is accepted. A missing warehouse is the operator's: 503 with how to build one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bilat.errors import ParameterError, WarehouseMissingError


class UserErrorMiddleware:
    """Render ParameterError as 400 and WarehouseMissingError as 503 pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ParameterError):
            context = {"title": "This request cannot be answered", "message": str(exception)}
            return render(request, "web/error.html", context, status=400)
        if isinstance(exception, WarehouseMissingError):
            context = {"title": "No data loaded yet", "message": str(exception)}
            return render(request, "web/error.html", context, status=503)
        return None
