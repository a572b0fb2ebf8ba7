"""Forms of the events side: the public event filter, the attendance sheet and the import
of people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from bilat.coordination.events import questions
from bilat.coordination.events.models import Event, Kind, Location, Question, Registration
from bilat.coordination.filtering import ListFilter
from bilat.coordination.stakeholders.forms import PersonForm
from bilat.coordination.stakeholders.models import MatchState, Organisation, Theme
from bilat.coordination.vocabulary import Side


class EventFilter(ListFilter):
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

    def rows(self) -> list[SheetRow]:
        """Each registration as the sheet shows it, with its box's name and whether it is
        ticked. The template writes the boxes itself, from words put together here: rendering
        hundreds of bound fields, labels and links took most of the page's time."""
        sides, states = dict(Side.choices), dict(MatchState.choices)
        rows = []
        for r in self.registrations:
            organisation = r.person.organisation if r.person else None
            rows.append(
                SheetRow(
                    box=f"r{r.pk}",
                    ticked=bool(r.attended),
                    person=str(r.person or "Erased person"),
                    organisation=organisation,
                    match=states[organisation.match_state].lower() if organisation else "",
                    side=sides.get(r.side, r.side),
                    registered=f"{timezone.localtime(r.created):%Y-%m-%d}",
                )
            )
        return rows


@dataclass(frozen=True)
class SheetRow:
    """One line of the attendance sheet."""

    box: str
    ticked: bool
    person: str
    organisation: Organisation | None
    match: str
    side: str
    registered: str


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="bilat's template, or a registration export of Indico or pretix (CSV).",
    )
