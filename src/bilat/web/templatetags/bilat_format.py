"""Template filters that write numbers, labels and names the way the tables do."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bilat import formatting
from bilat.formatting import euros, readable, readable_runs, with_article

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.0108 → 1.1%"""
    return formatting.percent(value) if isinstance(value, int | float) else ""


@register.filter
def euro(value: Decimal | float | None) -> str:
    """52761214.82 → €52.8 million; smaller amounts in full."""
    return euros(value) if isinstance(value, int | float | Decimal) else ""


@register.filter
def number(value: int | None) -> str:
    """1234 → 1,234; nothing for a missing value (a template's unknown name is "")."""
    return f"{value:,}" if isinstance(value, int | float | Decimal) else ""


@register.simple_tag
def no_amount_why() -> str:
    """Why an amount reads "—" (an EU contribution CORDIS leaves empty), in the words every
    page uses."""
    return formatting.NO_AMOUNT_WHY


@register.simple_tag
def missing() -> str:
    """What a missing figure reads: "—", never 0 or a blank."""
    return formatting.MISSING


@register.filter
def article(name: str) -> str:
    """United States → the United States; Canada → Canada."""
    return with_article(name)


def _named(shown: str, original: str) -> str:
    """A name in a readable case with its CORDIS spelling on hover, as the tables show it."""
    if shown == original:
        return str(escape(shown))
    return f'<span title="In CORDIS: {escape(original)}">{escape(shown)}</span>'


@register.filter
def cordis_name(name: object) -> SafeString:
    """THE REGENTS OF THE UNIVERSITY OF CALIFORNIA → The Regents of the University of
    California, CORDIS's spelling on hover."""
    text = "" if name is None else str(name)
    return mark_safe(_named(readable(text), text))


@register.filter
def readable_names(sentence: object) -> SafeString:
    """A sentence quoting names in CORDIS's capitals (a partner's reasons) with each name in
    a readable case and its CORDIS spelling on hover."""
    pieces = readable_runs("" if sentence is None else str(sentence))
    return mark_safe("".join(_named(shown, original or shown) for shown, original in pieces))


@register.filter
def label(code: object, column: str) -> str:
    """A code by its title: HES → Higher or secondary education (for `activity_type`)."""
    return "" if code in (None, "") else formatting.text(column, code)
