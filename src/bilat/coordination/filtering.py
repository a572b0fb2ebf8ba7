"""Lists on the coordination pages: filtered by a form of optional choices (the public event
list, the register, the directory), and shown a page at a time with links that keep the
filters.

A value the form does not accept (`?kind=zzz`, `?page=abc`) is the visitor's mistake, as on
the observatory: a ParameterError naming the parameter, which the site answers with 400 and
the message (`bilat.site.errors`), never a page that silently ignores what was asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from bilat.errors import ParameterError, refuse_unknown
from bilat.indicators.numbers import page_number

M = TypeVar("M", bound=models.Model)
R = TypeVar("R")  # a row of a list: a model, or what a page lists of one
F = TypeVar("F", bound=QuerySet[Any])  # a queryset keeps its own methods (`Event.ended`)

# Rows a page shows: enough to scan, few enough that a page renders in milliseconds
# (a Django template costs about a tenth of a millisecond per cell).
PAGE_SIZE = 50


class OneTemplateSelect(forms.Select):
    """A drop-down whose options are written in Python, its `<select>` by one template.
    Django's own builds a dictionary of attributes for every option and renders each through
    a template of its own, which made a drop-down of 200 events (or of the world's
    countries) cost more than a page's rows; a template loop over the options still cost 10
    ms for the 250 countries of a person's form (six template lookups an option), a string
    join costs a few hundredths of that. The same HTML, escaped alike, without option groups
    (none of bilat's drop-downs has any)."""

    template_name = "coordination/_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)
        context["widget"]["options"] = options_html(self.choices, context["widget"]["value"])
        return context


def options_html(choices: Iterable[tuple[Any, Any]], chosen: Iterable[Any]) -> SafeString:
    """The `<option>`s of `choices` ((value, label) pairs), those whose value is among
    `chosen` selected; values and labels escaped as a template escapes them."""
    picked = {str(value) for value in chosen}
    return mark_safe(  # each value and label is escaped here
        "".join(
            f'<option value="{conditional_escape(str(key))}"'
            f"{' selected' if str(key) in picked else ''}>{conditional_escape(label)}</option>"
            for key, label in choices
        )
    )


def select_in_one_template(form: forms.Form) -> None:
    """Write each plain drop-down of `form` with `OneTemplateSelect`."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            widget = OneTemplateSelect(attrs=field.widget.attrs)
            widget.choices = field.widget.choices
            widget.is_required = field.widget.is_required
            field.widget = widget


class ListFilter(forms.Form):
    """A list's filter form (see `select_in_one_template`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        select_in_one_template(self)


def known(request: HttpRequest, *names: Iterable[str] | str) -> None:
    """Refuse a query parameter the page does not read (`?type=` for the events' `kind`)
    with a ParameterError naming it and what the page reads, rather than ignore it and show
    everything as if it had filtered. `names`: parameter names, or collections of them (a
    form's fields)."""
    accepted = [n for group in names for n in ((group,) if isinstance(group, str) else group)]
    refuse_unknown(request.GET, accepted)


def checked(form: forms.Form) -> forms.Form:
    """The form, once every value it was given is accepted; else a ParameterError naming
    the first parameter refused and why (a 400 on the site)."""
    if form.is_bound and not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        if name == "__all__":
            raise ParameterError("query", " ".join(str(e) for e in errors))
        given = f"{form.data.get(name, '')!r} is not accepted"
        choices = [str(value) for value, _ in getattr(form.fields[name], "choices", ()) if value]
        if 0 < len(choices) <= 20:  # a short list is said; a long one is in the page's box
            raise ParameterError(name, f"{given}; use {', '.join(choices)}")
        raise ParameterError(name, f"{given}: {' '.join(str(e) for e in errors)}")
    return form


def filtered(found: F, form: forms.Form, lookups: Mapping[str, str] | None = None) -> F:
    """The rows matching every field the visitor filled in; `lookups` names the lookup of a
    field that differs from its name (a form's `theme` is the model's `themes`). A value the
    form refuses raises a ParameterError (see `checked`)."""
    if not checked(form).is_bound:
        return found
    names = lookups or {}
    chosen = {names.get(key, key): value for key, value in form.cleaned_data.items() if value}
    return found.filter(**chosen)


@dataclass(frozen=True)
class Paged(Generic[R]):
    """One page of a list, its rows as the page shows them, and what its pager needs: the
    query of the other parameters (filters, another list's page), so that every link keeps
    them."""

    page: Page[R]
    rows: Sequence[Any]
    parameter: str
    others: str

    def href(self, number: int) -> str:
        """The address (a query string) of page `number` of this list."""
        kept = f"{self.others}&" if self.others else ""
        return f"?{kept}{self.parameter}={number}"

    @property
    def previous(self) -> str | None:
        return self.href(self.page.number - 1) if self.page.has_previous() else None

    @property
    def next(self) -> str | None:
        return self.href(self.page.number + 1) if self.page.has_next() else None

    @property
    def first(self) -> str | None:
        return self.href(1) if self.page.number > 2 else None

    @property
    def last(self) -> str | None:
        pages = self.page.paginator.num_pages
        return self.href(pages) if self.page.number < pages - 1 else None


def paged(
    request: HttpRequest,
    found: QuerySet[Any] | Sequence[R],
    *,
    parameter: str = "page",
    per_page: int = PAGE_SIZE,
    rows: Callable[[Sequence[R]], Sequence[Any]] | None = None,
) -> Paged[R]:
    """The page of `found` that `?<parameter>=` asks for (the first by default), its rows
    made by `rows` from the page's objects (the objects themselves by default). A page that
    is not a whole number from 1 to the last page raises a ParameterError naming it."""
    paginator: Paginator[R] = Paginator(found, per_page)
    # `?page=` alone is the first page.
    number = page_number(parameter, request.GET.get(parameter), last=paginator.num_pages)
    others: QueryDict = request.GET.copy()
    others.pop(parameter, None)
    page = paginator.page(number)
    objects: Sequence[R] = list(page.object_list)
    shown = rows(objects) if rows else objects
    return Paged(page, shown, parameter, others.urlencode())
