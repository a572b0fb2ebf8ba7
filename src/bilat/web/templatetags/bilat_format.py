"""Template filters that write numbers the way the tables do."""

from __future__ import annotations

from decimal import Decimal

from django import template

from bilat import formatting
from bilat.formatting import euros, with_article

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


@register.filter
def article(name: str) -> str:
    """United States → the United States; Canada → Canada."""
    return with_article(name)
