"""Template filters that write numbers the way the tables do."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.0108 → 1.1%"""
    return "" if value is None else f"{value:.1%}"


@register.filter
def euro(value: Decimal | float | None) -> str:
    """52761214.82 → €52.8 million; smaller amounts in full."""
    if value is None:
        return ""
    amount = float(value)
    if amount >= 1e9:
        return f"€{amount / 1e9:,.2f} billion"
    if amount >= 1e6:
        return f"€{amount / 1e6:,.1f} million"
    return f"€{amount:,.0f}"


@register.filter
def number(value: int | None) -> str:
    """1234 → 1,234"""
    return "" if value is None else f"{value:,}"
