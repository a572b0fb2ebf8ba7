"""The filter form shared by the observatory pages: labelled controls that write the same
query parameters as the API and the CLI, so a filtered view is a URL to bookmark.

Its fields are generated from `bilat.indicators.filters.FILTERS`, so the form offers exactly
the filters and values the parsers accept. Each option's value is the value itself (names with
commas included): a browser submits it as one parameter, which the parser reads whole.
"""

from __future__ import annotations

from typing import Any

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
        max_length=9,
        widget=forms.TextInput(attrs={"placeholder": spec.placeholder, "size": 9}),
        help_text=spec.help,
    )


class FilterForm(forms.Form):
    """Programme, years, programme part, scheme group, role and organisation type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in FORM_FILTERS:
            self.fields[spec.name] = field(spec)
