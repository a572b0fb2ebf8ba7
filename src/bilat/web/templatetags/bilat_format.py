"""Template filters that write numbers the way the tables do."""

from __future__ import annotations

from decimal import Decimal

from django import template

from bilat.formatting import euros

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.0108 → 1.1%"""
    return "" if value is None else f"{value:.1%}"


@register.filter
def euro(value: Decimal | float | None) -> str:
    """52761214.82 → €52.8 million; smaller amounts in full."""
    return "" if value is None else euros(value)


@register.filter
def number(value: int | None) -> str:
    """1234 → 1,234"""
    return "" if value is None else f"{value:,}"
