"""The filter form shared by the observatory pages: labelled controls that write the same
query parameters as the API and the CLI, so a filtered view is a URL to bookmark."""

from __future__ import annotations

from django import forms

from bilat.cordis import schemes
from bilat.cordis.programme_parts import PROGRAMMES
from bilat.cordis.reference import rows
from bilat.cordis.roles import ACTIVITY_TYPES, ROLE_TITLES

ALL = [("", "All")]


def _parts() -> list[tuple[str, str]]:
    names = sorted({row["part"] for row in rows("programme_parts")})
    return ALL + [(name, name) for name in names]


class FilterForm(forms.Form):
    """Programme, years, programme part, scheme group, role and organisation type."""

    programme = forms.ChoiceField(required=False, choices=ALL + list(PROGRAMMES.items()))
    years = forms.CharField(
        required=False,
        max_length=9,
        widget=forms.TextInput(attrs={"placeholder": "e.g. 2014-2020", "size": 9}),
        help_text="A year or a range: 2021, 2014-2020, 2018-",
    )
    programme_part = forms.ChoiceField(required=False, choices=_parts(), label="Programme part")
    scheme_group = forms.ChoiceField(
        required=False, choices=ALL + list(schemes.GROUPS.items()), label="Scheme group"
    )
    role = forms.ChoiceField(required=False, choices=ALL + list(ROLE_TITLES.items()))
    organisation_type = forms.ChoiceField(
        required=False, choices=ALL + list(ACTIVITY_TYPES.items()), label="Organisation type"
    )
