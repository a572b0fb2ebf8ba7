"""The filter form shared by the observatory pages: labelled controls that write the same
query parameters as the API and the CLI, so a filtered view is a URL to bookmark.

Its fields are generated from `bilat.indicators.filters.FILTERS`, so the form offers exactly
the filters and values the parsers accept. Each option's value is the value itself (names with
commas included): a browser submits it as one parameter, which the parser reads whole.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, cast

from django import forms

from bilat.indicators.filters import FILTERS, Filter

ALL = [("", "All")]
# The country is each page's subject (in the profile's path, kept hidden on explore), not a
# control of the form.
FORM_FILTERS = tuple(spec for spec in FILTERS if spec.name != "country")


def field(spec: Filter) -> forms.Field:
    """The form control of one filter: a list of its accepted values, or a text box."""
    if spec.choices is not None:
        return forms.ChoiceField(required=False, label=spec.label, choices=ALL + spec.choices())
    return forms.CharField(
        required=False,
        label=spec.label,
        max_length=max(9, spec.width * 6),
        widget=forms.TextInput(attrs={"placeholder": spec.placeholder, "size": spec.width}),
        help_text=spec.help,
    )


class FilterForm(forms.Form):
    """Programme, years, programme part, scheme group, role, organisation type and field of
    science."""

    def __init__(
        self,
        *args: Any,
        loaded: Collection[str] | None = None,
        present: Mapping[str, Collection[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for spec in FORM_FILTERS:
            self.fields[spec.name] = field(spec)
        if loaded is not None:
            self._offer_loaded(loaded)
        if present is not None:
            self._offer_present(present)

    def _offer_present(self, present: Mapping[str, Collection[str]]) -> None:
        """Offer only the values some loaded participation has (and any value asked for):
        a role, part, type or scheme group that no row carries would only answer "nothing".
        A filter with no value in the data says why instead of offering none."""
        data = cast(Any, self.data)
        for name, values in present.items():
            control = self.fields[name]
            assert isinstance(control, forms.ChoiceField)
            chosen = set(data.getlist(name)) if hasattr(data, "getlist") else set()
            control.choices = [
                (value, label)
                for value, label in cast(list[tuple[str, str]], control.choices)
                if not value or value in values or value in chosen
            ]
            if not values and not chosen:
                control.disabled = True
                control.help_text = "No participation loaded has one (see Data sources)."

    def _offer_loaded(self, loaded: Collection[str]) -> None:
        """Mark the programmes whose participations are not loaded: nothing offered looks
        like a programme without figures (their parts are left out by `_offer_present`)."""
        programme = self.fields["programme"]
        assert isinstance(programme, forms.ChoiceField)
        programme.choices = [
            (code, label if not code or code in loaded else f"{label} (not loaded)")
            for code, label in cast(list[tuple[str, str]], programme.choices)
        ]
