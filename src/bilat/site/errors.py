"""The one place where errors raised on purpose become HTTP answers.

A parameter that is not accepted is the visitor's mistake: 400 with the message that says
what is accepted. A missing warehouse is the operator's: 503 with how to build one. An address
opened that only a form's button sends (405), and a form refused by the CSRF check (403: left
open past the session's end, or cookies blocked), get the site's page saying what happened
and the way back instead of Django's empty or English default answer; their codes stay.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from bilat.errors import ParameterError, WarehouseMissingError


class UserErrorMiddleware:
    """Render ParameterError as 400 and WarehouseMissingError as 503 pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            return _not_allowed(request, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ParameterError):
            context = {"title": "This request cannot be answered", "message": str(exception)}
            return render(request, "web/error.html", context, status=400)
        if isinstance(exception, WarehouseMissingError):
            context = {"title": "No data loaded yet", "message": str(exception)}
            return render(request, "web/error.html", context, status=503)
        return None


def _not_allowed(request: HttpRequest, bare: HttpResponse) -> HttpResponse:
    """The site's page for an address only a form's button sends, opened by its address."""
    signed_in = request.user.is_authenticated
    context = {
        "title": "This address is a button's, not a page",
        "message": "This address only answers a form's button (such as Cancel on My data): "
        "opened on its own, as from a bookmark or a link, it does nothing, and nothing changed.",
        "back": reverse("me") if signed_in else reverse("home"),
        "back_label": "Back to My data" if signed_in else "Back to the overview",
    }
    styled = render(request, "web/error.html", context, status=405)
    styled["Allow"] = bare["Allow"]
    return styled


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The site's page for a form the CSRF check refused (settings.CSRF_FAILURE_VIEW): the
    form was opened before the session it belonged to ended, or the browser keeps no cookies
    of this site. The way back is the form's page, reloaded, when the browser said which."""
    came_from = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(
        came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {
        "title": "This form has expired",
        "message": "The form was not sent, and nothing changed: it was opened before your "
        "session ended (for example, left open for a long time, or before you logged out or "
        "in), or your browser does not keep this site's cookies.",
        "advice": "Go back to the form, reload its page and send it again. If this happens "
        "again, allow this site's cookies.",
        "back": came_from if safe and came_from else "",
        "back_label": "Back to the form (reload it there)",
    }
    return render(request, "web/error.html", context, status=403)
