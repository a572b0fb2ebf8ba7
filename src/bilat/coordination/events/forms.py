"""Forms of the events side: the public event filter, the attendance sheet and the import
of people."""

from __future__ import annotations

from typing import Any

from django import forms

from bilat.coordination.events import questions
from bilat.coordination.events.models import Event, Kind, Location, Question, Registration
from bilat.coordination.stakeholders.forms import PersonForm
from bilat.coordination.stakeholders.models import Theme


class EventFilter(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any type"), *Kind.choices], required=False)
    place = forms.ChoiceField(choices=[("", "Anywhere"), *Location.choices], required=False)
    theme = forms.ModelChoiceField(
        Theme.objects.all(), required=False, empty_label="Any theme", to_field_name="name"
    )


class RegistrationForm(PersonForm):
    """The public registration form: the person's details, the event's own questions, then
    the consents (and the robots' trap, last)."""

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, require_registration=True, **kwargs)
        self.questions: list[Question] = list(event.questions.all())
        for question in self.questions:
            self.fields[questions.field_name(question)] = questions.form_field(question)
        for last in ("consents", "website"):
            self.fields[last] = self.fields.pop(last)

    def answers(self) -> dict[str, str]:
        """The answers given, by question id."""
        return questions.answers_of(self.questions, self.cleaned_data)


class AttendanceForm(forms.Form):
    """One tick box per confirmed registration: ticked came, unticked did not."""

    def __init__(self, *args: Any, registrations: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        for registration in registrations:
            self.fields[f"r{registration.pk}"] = forms.BooleanField(
                required=False,
                initial=bool(registration.attended),
                label=str(registration.person or "Erased person"),
            )

    def attended(self) -> dict[int, bool | None]:
        return {r.pk: bool(self.cleaned_data[f"r{r.pk}"]) for r in self.registrations}

    def rows(self) -> list[tuple[Registration, str, bool]]:
        """Each registration with its box's name and whether it is ticked. The template
        writes the boxes itself: rendering hundreds of bound fields took most of the page's
        time."""
        return [(r, f"r{r.pk}", bool(r.attended)) for r in self.registrations]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="bilat's template, or a registration export of Indico or pretix (CSV).",
    )
