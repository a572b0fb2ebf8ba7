"""Verbs that change the stakeholder directory; each one writes the change log.

People are matched by e-mail address (case does not matter): saving a person whose address is
known updates that person instead of creating a second one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from bilat.coordination import countries
from bilat.coordination.audit.operations import Actor, record
from bilat.coordination.stakeholders.models import (
    Consent,
    Organisation,
    PendingSignup,
    Person,
    Purpose,
    Theme,
)
from bilat.coordination.vocabulary import Sector
from bilat.errors import CoordinationError


@dataclass
class PersonData:
    """What is known about a person from a form or an import row."""

    first_name: str
    last_name: str
    email: str
    organisation: str = ""
    country: str = ""
    sector: str = ""
    position: str = ""
    themes: list[str] = field(default_factory=list)
    consents: list[str] = field(default_factory=list)


def normal_email(email: str) -> str:
    return email.strip().lower()


def find_person(email: str) -> Person | None:
    return Person.objects.filter(email__iexact=normal_email(email)).first()


def themes(names: Iterable[str]) -> list[Theme]:
    """The themes of these names, created when new."""
    return [Theme.objects.get_or_create(name=n.strip())[0] for n in names if n.strip()]


def organisation_for(
    actor: Actor, name: str, country: str, sector: str = ""
) -> Organisation | None:
    """The organisation of this name in this country, created (and logged) when new."""
    name = " ".join(name.split())
    if not name:
        return None
    found = Organisation.objects.filter(name__iexact=name, country=country).first()
    if found:
        return found
    organisation = Organisation.objects.create(
        name=name,
        country=country,
        side=countries.side_of(country) if country else "other",
        sector=sector or Sector.OTHER,
    )
    record(actor, "create", organisation)
    return organisation


def changes(person: Person, data: PersonData) -> list[str]:
    """What `save_person` would change in `person`'s record, in words ("organisation: Ohio
    Lab → Ohio State"): the preview of an import says it before anything is written. A blank
    value changes nothing, as in `save_person`."""
    country = (countries.country_code(data.country) or "") if data.country else ""
    organisation = " ".join(data.organisation.split())
    current = person.organisation
    found = []
    if organisation and (
        current is None
        or (current.name.lower(), current.country) != (organisation.lower(), country)
    ):
        found.append(("organisation", current.name if current else "", organisation))
    wanted = {
        "first name": (person.first_name, data.first_name.strip()),
        "last name": (person.last_name, data.last_name.strip()),
        "position": (person.position, data.position.strip()),
        "country": (person.country, country),
    }
    found += [(name, now, then) for name, (now, then) in wanted.items() if then and now != then]
    return [f"{name}: {now or '(blank)'} → {then}" for name, now, then in found]


@transaction.atomic
def save_person(
    actor: Actor, data: PersonData, *, source: str, overwrite: bool = True, own: bool = False
) -> tuple[Person, bool]:
    """Create the person, or update the one with the same e-mail; add consents and themes.
    Returns the person and whether it was created.

    `overwrite=False` (a visitor's public form) leaves a known person's details as they are:
    whoever types an address in a form must not be able to rewrite that person's record.
    A blank value changes nothing (an import leaves what it does not know), except on the
    person's own page (`own=True`), where a field emptied is cleared."""
    country = (countries.country_code(data.country) or "") if data.country else ""
    if data.country and not country:
        raise CoordinationError(f"{data.country!r} is not a country bilat knows", field="country")
    person = find_person(data.email)
    if person is not None and not overwrite:
        give_consent(actor, person, data.consents, source=source)
        return person, False
    organisation = organisation_for(actor, data.organisation, country, data.sector)
    values: dict[str, Any] = {
        "first_name": data.first_name.strip(),
        "last_name": data.last_name.strip(),
        "position": data.position.strip(),
    }
    if country:
        values |= {"country": country, "side": countries.side_of(country)}
    if organisation or own:
        values["organisation"] = organisation
    created = person is None
    if person is None:
        person = Person.objects.create(email=normal_email(data.email), **values)
        record(actor, "create", person, ["email", *values], note=f"from {source}")
    else:
        changed = [k for k, v in values.items() if (v or own) and getattr(person, k) != v]
        for key in changed:
            setattr(person, key, values[key])
        if changed:
            person.save()
            record(actor, "update", person, changed, note=f"from {source}")
            _name_account(person, changed)
    person.themes.add(*themes(data.themes))
    give_consent(actor, person, data.consents, source=source)
    return person, created


def _name_account(person: Person, changed: list[str]) -> None:
    """The person's account (which signing up named as the person) takes the names the
    person's record was just given, so that /me/data.json's account and person agree."""
    names = [k for k in ("first_name", "last_name") if k in changed]
    if names and person.user_id is not None:
        User.objects.filter(pk=person.user_id).update(**{k: getattr(person, k) for k in names})


def give_consent(actor: Actor, person: Person, purposes: Iterable[str], *, source: str) -> None:
    """Record consent to each purpose not already given."""
    current = person.consents()
    for purpose in purposes:
        if purpose not in Purpose.values:
            raise CoordinationError(f"{purpose!r} is not a consent purpose", field="consents")
        if purpose in current:
            continue
        consent = Consent.objects.create(
            person=person, purpose=purpose, given=timezone.now(), source=source
        )
        record(actor, "consent", consent, ["purpose"], note=purpose)


def withdraw_consent(actor: Actor, person: Person, purpose: str) -> None:
    """Withdraw a consent; its record stays, dated, as proof of what was agreed when."""
    for consent in person.consent_set.filter(purpose=purpose, withdrawn__isnull=True):
        consent.withdrawn = timezone.now()
        consent.save(update_fields=["withdrawn"])
        record(actor, "withdraw", consent, ["withdrawn"], note=purpose)


def set_consents(actor: Actor, person: Person, wanted: Iterable[str], *, source: str) -> None:
    """Make the person's current consents exactly `wanted`."""
    wanted = set(wanted)
    for purpose in person.consents() - wanted:
        withdraw_consent(actor, person, purpose)
    give_consent(actor, person, sorted(wanted), source=source)


ExportSection = Callable[[Person, bool], list[dict[str, Any]]]
# What apps above the directory hold about a person (the meetings app: one-to-one meetings),
# each under its name in the person's export. The directory cannot import them (they stand on
# it), so they add themselves when Django starts.
EXPORT_SECTIONS: dict[str, ExportSection] = {}


def export_person(person: Person, *, notes: bool = False) -> dict[str, Any]:
    """What bilat holds about a person, as JSON (GDPR art. 15): the download of their own
    page, and editors' export. The editors' notes are in it only when `notes` is true (the
    editors' export): they are the team's working notes, never shown to the person's own
    account."""
    organisation = person.organisation
    found: dict[str, Any] = {
        "exported": timezone.now().isoformat(timespec="seconds"),
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "position": person.position,
            "country": person.country,
            "side": person.side,
            "organisation": organisation.name if organisation else None,
            "sector": person.sector,
            "themes": [t.name for t in person.themes.all()],
            "account": person.user.get_username() if person.user else None,
            "created": person.created.isoformat(timespec="seconds"),
        },
        "consents": [
            {
                "purpose": c.purpose,
                "given": c.given.isoformat(timespec="seconds"),
                "withdrawn": c.withdrawn.isoformat(timespec="seconds") if c.withdrawn else None,
                "source": c.source,
            }
            for c in person.consent_set.all()
        ],
        "registrations": [
            {
                "event": r.event.title,
                "starts": r.event.starts.isoformat(),
                "status": r.status,
                "attended": r.attended,
                "registered": r.created.isoformat(timespec="seconds"),
            }
            for r in person.registrations.select_related("event")
        ],
        "talks": [
            {"event": s.event.title, "session": s.title, "day": s.day.isoformat()}
            for s in person.talks.select_related("event")
        ],
    }
    for name, read in EXPORT_SECTIONS.items():
        found[name] = read(person, notes)  # `notes`: the editors' export
    if notes:
        found["person"]["notes"] = person.notes
    return found


@transaction.atomic
def erase_person(actor: Actor, person: Person) -> None:
    """Remove a person everywhere (GDPR art. 17): their record, consents, speaker slots and
    account. Their registrations stay without them, so past events keep their counts. A
    staff account (an editor's) is left for an admin to close."""
    user = person.user
    record(actor, "erase", person, note="person erased on request")
    PendingSignup.objects.filter(email=person.email).delete()
    person.delete()
    if user is not None and not user.is_staff:
        user.delete()
