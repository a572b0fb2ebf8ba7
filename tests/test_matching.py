"""Matching directory organisations to CORDIS organisations (PICs) of the bundled real data:
bilat suggests from the name and country, an editor confirms or corrects, nothing is guessed
silently, every step is in the change log, and the directory shows the match and its state."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from bilat.coordination.audit.models import Change
from bilat.coordination.stakeholders import matching
from bilat.coordination.stakeholders.models import MatchState, Organisation
from bilat.errors import CoordinationError
from bilat.serving import warehouse

from factories import make_editor, make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db]

UC = 999467340  # THE REGENTS OF THE UNIVERSITY OF CALIFORNIA, in the bundled HE data
TUM = 999977463  # TECHNISCHE UNIVERSITAET MUENCHEN


def _organisation(name: str, country: str) -> Organisation:
    return Organisation.objects.create(name=name, country=country)


def _actions(organisation: Organisation) -> list[str]:
    found = Change.objects.filter(model="stakeholders.Organisation", object_id=organisation.pk)
    return list(found.order_by("id").values_list("action", flat=True))


def test_a_name_like_a_cordis_organisation_of_its_country_is_suggested_not_set(client):
    uc = _organisation("Regents of the University of California", "US")
    tum = _organisation("Technische Universität München", "DE")
    assert matching.suggest_all(None, warehouse()) == 2
    for organisation, pic in ((uc, UC), (tum, TUM)):
        organisation.refresh_from_db()
        assert organisation.match_state == MatchState.SUGGESTED
        assert organisation.suggested_pic == pic
        assert organisation.pic is None  # not used until an editor confirms
        assert _actions(organisation) == ["suggest PIC"]


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("University of Michigan", "US"),  # WRatio finds it, but the names differ as wholes
        ("University", "US"),  # in every university's name
        ("Regents of the University of California", "FR"),  # not in that country
        ("Regents of the University of California", ""),  # no country: a name alone is not enough
    ],
)
def test_nothing_is_suggested_when_no_name_is_alike_as_a_whole(client, name, country):
    organisation = _organisation(name, country)
    assert not matching.suggest(None, warehouse(), organisation)
    organisation.refresh_from_db()
    assert (organisation.match_state, organisation.suggested_pic) == (MatchState.NONE, None)
    assert _actions(organisation) == []


def test_an_editor_confirms_the_suggestion_or_corrects_it_and_the_log_says_which(client):
    editor = make_editor()
    client.force_login(editor)
    uc = _organisation("Regents of the University of California", "US")
    matching.suggest(None, warehouse(), uc)
    page = client.get(f"/coordination/organisations/{uc.pk}/").content.decode()
    assert "suggested: PIC 999467340" in page and "THE REGENTS OF THE UNIVERSITY OF" in page
    client.post(f"/coordination/organisations/{uc.pk}/", {"action": "confirm", "pic": str(UC)})
    uc.refresh_from_db()
    assert (uc.pic, uc.match_state, uc.suggested_pic) == (UC, MatchState.CONFIRMED, None)
    assert uc.match_checked is not None
    other = _organisation("UC Example Campus", "US")
    client.post(f"/coordination/organisations/{other.pk}/", {"action": "confirm", "pic": str(UC)})
    other.refresh_from_db()
    assert (other.pic, other.match_state) == (UC, MatchState.CONFIRMED)
    assert _actions(uc) == ["suggest PIC", "confirm PIC"]
    assert _actions(other) == ["correct PIC"]
    assert Change.objects.filter(action="confirm PIC").get().user == editor


def test_a_pic_that_no_cordis_organisation_has_is_refused(client):
    client.force_login(make_editor())
    organisation = _organisation("Nowhere Labs", "US")
    for typed in ("123", "12345678901234", "=1+1"):
        response = client.post(
            f"/coordination/organisations/{organisation.pk}/",
            {"action": "confirm", "pic": typed},
            follow=True,
        )
        assert "PIC" in response.content.decode()
    organisation.refresh_from_db()
    assert (organisation.pic, organisation.match_state) == (None, MatchState.NONE)
    with pytest.raises(CoordinationError, match="No CORDIS organisation has the PIC 123"):
        matching.confirm(None, warehouse(), organisation, 123)


def test_no_match_forgets_the_suggestion_and_nothing_is_suggested_again(client):
    client.force_login(make_editor())
    uc = _organisation("Regents of the University of California", "US")
    matching.suggest(None, warehouse(), uc)
    client.post(f"/coordination/organisations/{uc.pk}/", {"action": "none"})
    uc.refresh_from_db()
    assert (uc.pic, uc.match_state, uc.suggested_pic) == (None, MatchState.NONE, None)
    assert matching.suggest_all(None, warehouse()) == 0
    assert _actions(uc) == ["suggest PIC", "no PIC"]


def test_the_directory_shows_each_organisations_match_and_its_state(client):
    client.force_login(make_editor())
    make_person(organisation="Regents of the University of California", country="US")
    make_person(organisation="Technische Universität München", country="DE")
    make_person(organisation="Nowhere Labs", country="US")
    client.post("/coordination/organisations/suggest/")
    tum = Organisation.objects.get(name="Technische Universität München")
    matching.confirm(None, warehouse(), tum, TUM)
    page = client.get("/coordination/people/").content.decode()
    assert "suggested: PIC 999467340, THE REGENTS OF THE UNIVERSITY OF CALIFORNIA" in page
    assert f"PIC {TUM}, confirmed" in page
    assert "no CORDIS match" in page


def test_the_database_refuses_a_pic_that_is_not_confirmed():
    organisation = _organisation("Example", "US")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(pic=UC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(match_state="suggested")
