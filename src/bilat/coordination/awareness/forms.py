"""The period of an activity report, and an activity as the admin edits it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from bilat.coordination.awareness.models import Activity


class PeriodForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            raise forms.ValidationError(f"The period ends ({end}) before it starts ({start}).")
        return cleaned


class ActivityForm(forms.ModelForm):  # type: ignore[type-arg]
    """An activity; an event is logged once, as its reach is its attendance (a second
    activity of the same event would count the same people twice)."""

    class Meta:
        model = Activity
        fields = ("kind", "title", "date", "event", "link", "description")
        help_texts = {  # noqa: RUF012
            "event": "An event's reach is who attended it, kept up to date by bilat.",
        }

    link = forms.URLField(required=False, assume_scheme="https")

    def clean_event(self) -> object:
        event = self.cleaned_data.get("event")
        other = Activity.objects.filter(event=event).exclude(pk=self.instance.pk).first()
        if event is not None and other is not None:
            raise forms.ValidationError(f"{event} is logged already, as {other.title!r}.")
        return event
