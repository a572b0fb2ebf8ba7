"""Forms of the meeting schedule: the plan's slots and tables, and an editor's own meeting."""

from __future__ import annotations

from typing import Any

from django import forms

from bilat.coordination.meetings.models import Plan
from bilat.coordination.stakeholders.models import Person


class PlanForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Plan
        fields = ("day", "first_slot", "slot_minutes", "slots", "tables")
        widgets = {  # noqa: RUF012
            "day": forms.DateInput(attrs={"type": "date"}),
            "first_slot": forms.TimeInput(attrs={"type": "time"}),
        }
        labels = {"first_slot": "First meeting at", "slot_minutes": "Minutes per meeting"}  # noqa: RUF012


class MeetingForm(forms.Form):
    """A meeting an editor adds: one person of each side, a slot and a table."""

    eu = forms.ModelChoiceField(Person.objects.none(), label="EU-side participant")
    us = forms.ModelChoiceField(Person.objects.none(), label="US-side participant")
    slot = forms.TypedChoiceField(coerce=int, choices=())
    table = forms.CharField(max_length=60, label="Table or room")

    def __init__(
        self, *args: Any, plan: Plan, eu: list[Person], us: list[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["eu"].queryset = Person.objects.filter(pk__in=[p.pk for p in eu])  # type: ignore[attr-defined]
        self.fields["us"].queryset = Person.objects.filter(pk__in=[p.pk for p in us])  # type: ignore[attr-defined]
        self.fields["slot"].choices = slot_choices(plan)  # type: ignore[attr-defined]


def slot_choices(plan: Plan) -> list[tuple[int, str]]:
    return [(n, f"{n + 1}: {plan.slot_label(n)}") for n in range(plan.slots)]
