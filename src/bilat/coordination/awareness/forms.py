"""The period of an activity report."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms


class PeriodForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            raise forms.ValidationError(f"The period ends ({end}) before it starts ({start}).")
        return cleaned
