"""Forms written faster than Django writes them say the same: a drop-down's options written in
Python offer what Django's own drop-down offers (the header's country picker: what its former
template loop wrote), escaped alike, and a blank form written once is the form Django writes;
a form with values or errors is written afresh each time."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template

from bilat.coordination.events.forms import RegistrationForm
from bilat.coordination.events.models import Question
from bilat.coordination.filtering import options_html
from bilat.coordination.stakeholders.directory import filter_options
from bilat.coordination.stakeholders.forms import AddPersonForm, PersonForm
from bilat.coordination.stakeholders.models import Purpose, Theme
from bilat.coordination.vocabulary import Side
from bilat.records.countries import Country, participating
from bilat.warehouse.store import Warehouse
from bilat.web.templatetags.bilat_picker import _options

from factories import make_event

pytestmark = [pytest.mark.coordination]


class Options(HTMLParser):
    """The (value, selected, label) of every option of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[tuple[str, bool, str]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option":
            given = dict(attrs)
            self.found.append((given["value"] or "", "selected" in given, ""))

    def handle_data(self, data: str) -> None:
        if self.found and not self.found[-1][2]:
            value, selected, _ = self.found[-1]
            self.found[-1] = (value, selected, data)


def test_options_written_in_python_offer_what_djangos_drop_down_offers():
    choices = [("", "Choose"), ("a&b", "Tom & Jerry"), ("<x>", '"quoted" <b>'), (3, "three")]
    django = forms.Select(choices=choices).render("pick", "a&b")
    ours = options_html(choices, ["a&b"])
    assert Options(ours).found == Options(django).found
    assert Options(ours).found[1] == ("a&b", True, "Tom & Jerry")
    assert "<b>" not in ours and "&lt;b&gt;" in ours
    assert Options(options_html(choices, [3])).found[3] == ("3", True, "three")


def test_a_blank_persons_form_is_the_form_django_writes_and_one_with_values_is_not_cached():
    fresh = forms.Form.render(PersonForm())
    assert str(AddPersonForm(require_registration=True)) == fresh
    assert str(AddPersonForm()) == fresh  # the second time, from the cache
    assert AddPersonForm().as_p() == PersonForm().as_p()
    countries = [o for o in Options(fresh).found if o[0] == "DE"]
    assert countries == [("DE", False, "Germany")]
    chosen = AddPersonForm(initial={"country": "DE"})
    assert ("DE", True, "Germany") in Options(str(chosen)).found
    refused = AddPersonForm({"first_name": "Ada", "country": "XX"}, require_registration=True)
    assert not refused.is_valid()
    written = str(refused)
    assert written != fresh and 'value="Ada"' in written and "errorlist" in written
    assert str(AddPersonForm(prefix="other")) == str(PersonForm(prefix="other"))


@pytest.mark.django_db
def test_the_public_registration_form_is_written_with_each_events_questions():
    asked, plain = make_event(), make_event()
    Question.objects.create(event=asked, text="Dietary needs?", type="text", position=1)
    assert "Dietary needs?" in str(RegistrationForm(event=asked))
    assert "Dietary needs?" not in str(RegistrationForm(event=plain))


def test_the_pickers_options_are_those_a_template_loop_writes(bundled: Warehouse) -> None:
    countries = participating(bundled)
    loop = Template(
        '{% for c in countries %}<option value="{{ c.code }}"{% if c.code == selected %}'
        " selected{% endif %}>{{ c.name }}</option>{% endfor %}"
    )
    hostile = Country("ZZ", "ZZ", "Land of <b>\"bold\"</b> & 'quotes'", 1)
    for chosen in ("US", "CA", "ZZ"):
        given = [*countries, hostile]
        expected = loop.render(Context({"countries": given, "selected": chosen}))
        assert _options(given, chosen) == expected
    assert len(countries) > 100


@pytest.mark.django_db
def test_the_directorys_filter_boxes_offer_every_value_and_keep_the_one_asked_for():
    Theme.objects.create(name="oceans & <seas>")
    Theme.objects.create(name="AI")
    options = filter_options(QueryDict("side=US&theme=oceans+%26+%3Cseas%3E&consent=newsletter"))
    assert Options(options["side"]).found == [
        (value, value == "US", str(label)) for value, label in Side.choices
    ]
    assert Options(options["theme"]).found == [
        ("AI", False, "AI"),
        ("oceans & <seas>", True, "oceans & <seas>"),
    ]
    assert ("newsletter", True, str(Purpose.NEWSLETTER.label)) in Options(options["consent"]).found
    assert not any(selected for _, selected, _ in Options(options["sector"]).found)
