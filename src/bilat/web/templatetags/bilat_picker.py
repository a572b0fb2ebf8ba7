"""The country picker every page carries in its header.

It is a plain GET form (no script): choosing a country and pressing the button asks
`/country/?country=CA`, which redirects to that country's profile. It is a tag rather than a
view's context so that every page, the coordination side's too, gets it from the layout.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from bilat.errors import WarehouseMissingError
from bilat.records.countries import Country, participating
from bilat.serving import warehouse

register = template.Library()


@register.inclusion_tag("web/_picker.html", takes_context=True)
def country_picker(context: dict[str, Any]) -> dict[str, Any]:
    """The countries with participations, the one the page is about selected (else the US);
    without a warehouse a text box that takes any code or name."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = str((match.kwargs.get("code") if match else None) or "US").upper()
    try:
        countries = participating(warehouse())
    except WarehouseMissingError:
        countries = []
    selected = next(
        (c.code for c in countries if current in (c.code, c.iso)), "US" if countries else ""
    )
    return {"countries": countries, "options": _options(countries, selected)}


def _options(countries: list[Country], selected: str) -> SafeString:
    """The picker's options, joined here: a template loop over the 160-odd countries was
    the largest part of every page's header (about 3 ms, the log-in page's third)."""
    return mark_safe(  # escaped here (as Django escapes: the same five characters)
        "".join(
            f'<option value="{escape(c.code)}"'
            f"{' selected' if c.code == selected else ''}>{escape(c.name)}</option>"
            for c in countries
        )
    )
