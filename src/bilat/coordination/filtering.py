"""Filtering a list by a form of optional choices (the public event list, the register)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django import forms
from django.db import models
from django.db.models import QuerySet

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
