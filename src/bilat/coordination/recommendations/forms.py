"""Forms of the recommendations register: editing, status changes, and the public filter."""

from __future__ import annotations

from django import forms

from bilat.coordination.events.models import Event
from bilat.coordination.filtering import ListFilter
from bilat.coordination.recommendations.models import (
    Addressee,
    Barrier,
    Priority,
    Recommendation,
    Status,
)
from bilat.coordination.recommendations.operations import check_link
from bilat.errors import CoordinationError


class RecommendationForm(forms.ModelForm):  # type: ignore[type-arg]
    evidence_label = forms.CharField(max_length=200, required=False, label="Evidence: label")
    evidence_link = forms.CharField(
        max_length=500,
        required=False,
        label="Evidence: link",
        help_text="A page of the observatory (e.g. /country/US/?programme=HE) or an address.",
    )

    class Meta:
        model = Recommendation
        fields = (
            "title",
            "text",
            "source_events",
            "barrier",
            "addressee",
            "funder_type",
            "priority",
            "owner",
            "published",
        )
        widgets = {"source_events": forms.CheckboxSelectMultiple}  # noqa: RUF012

    def clean_evidence_link(self) -> str:
        link: str = self.cleaned_data["evidence_link"]
        if not link:
            return link
        try:
            return check_link(link)
        except CoordinationError as error:
            raise forms.ValidationError(str(error)) from error

    def evidence(self) -> list[tuple[str, str]]:
        link = self.cleaned_data["evidence_link"]
        return [(self.cleaned_data["evidence_label"] or link, link)] if link else []


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(max_length=500, required=False)


class RegisterFilter(ListFilter):
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    barrier = forms.ChoiceField(choices=[("", "Any barrier"), *Barrier.choices], required=False)
    addressee = forms.ChoiceField(
        choices=[("", "Any addressee"), *Addressee.choices], required=False
    )
    priority = forms.ChoiceField(choices=[("", "Any priority"), *Priority.choices], required=False)
    event = forms.ModelChoiceField(
        Event.objects.published(),
        required=False,
        empty_label="Any event",
        to_field_name="slug",
    )
