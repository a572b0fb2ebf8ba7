"""Lists on the coordination pages: filtered by a form of optional choices (the public event
list, the register), and shown a page at a time with links that keep the filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django import forms
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

M = TypeVar("M", bound=models.Model)


def filtered(
    found: QuerySet[M], form: forms.Form, lookups: Mapping[str, str] | None = None
) -> QuerySet[M]:
    """The rows matching every field the visitor filled in; `lookups` names the lookup of a
    field that differs from its name (a form's `theme` is the model's `themes`). A form that
    does not validate filters nothing and shows its errors."""
    if not form.is_valid():
        return found
    names = lookups or {}
    chosen = {names.get(key, key): value for key, value in form.cleaned_data.items() if value}
    return found.filter(**chosen)


def page_of(request: HttpRequest, found: QuerySet[M], per_page: int = 100) -> tuple[Page[M], str]:
    """The page of `found` the request asks for, and the request's query without its page
    number, for the pager's links."""
    others = request.GET.copy()
    others.pop("page", None)
    return Paginator(found, per_page).get_page(request.GET.get("page")), others.urlencode()
