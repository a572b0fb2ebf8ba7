"""Participants' accounts. Nobody acts as someone else: an account is made only once its
address is proven, by a link that expires, works once and is sent to that address, and only
then linked to the directory record that carries the address.

The sign-up waits on the server (`PendingSignup`), like a registration asked for on an
event's form: the link carries only a random key, signed and dated (Django's
`TimestampSigner`), never the address or the name, which would otherwise be written into
browser histories, proxies and server logs.

Asking for an account answers the same whether or not the address is known: the details
(the link, or "you already have an account") go by e-mail to the address itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from bilat.coordination import mail
from bilat.coordination.audit.models import Change
from bilat.coordination.audit.operations import record
from bilat.coordination.roles import is_editor
from bilat.coordination.stakeholders.models import PendingSignup, Person, person_of
from bilat.coordination.stakeholders.operations import (
    PersonData,
    export_person,
    find_person,
    normal_email,
    save_person,
)
from bilat.errors import CoordinationError

LINK_HOURS = 48
_SALT = "bilat.coordination.signup"
_AGAIN = "ask for a new one"


class AccountMade(CoordinationError):
    """The link was used already, or its address has got an account since: log in."""

    def __init__(self) -> None:
        super().__init__(
            "This link was used already: its address has an account. Log in with the address "
            "and the password chosen for it."
        )


@dataclass(frozen=True)
class Signup:
    """What the sign-up form asked for; it waits on the server until the link is opened."""

    email: str
    first_name: str
    last_name: str


def has_account(email: str) -> bool:
    """Whether an account, or a directory record linked to one, has this address."""
    email = normal_email(email)
    if User.objects.filter(username__iexact=email).exists():
        return True
    return Person.objects.filter(email=email, user__isnull=False).exists()


def _expired() -> datetime:
    return timezone.now() - timedelta(hours=LINK_HOURS)


@transaction.atomic
def request_account(signup: Signup) -> None:
    """E-mail the address a link to choose a password and make the account, or, when it has
    an account already, a note that says so. A new request for an address replaces the
    previous one (its link stops working); nothing else changes until the link is used."""
    email = normal_email(signup.email)
    PendingSignup.objects.filter(created__lt=_expired()).delete()
    if has_account(email):
        mail.after_commit(
            email,
            "Your bilat account",
            "Someone (probably you) asked for a bilat account with this address, which has "
            f"one already. Log in at {mail.link('login')}\n\nIf it was not you, ignore this "
            "message: nothing was changed.\n",
        )
        return
    pending, _ = PendingSignup.objects.update_or_create(
        email=email,
        defaults={
            "key": secrets.token_urlsafe(24),
            "first_name": signup.first_name.strip(),
            "last_name": signup.last_name.strip(),
            "created": timezone.now(),
            "used": False,
        },
    )
    mail.after_commit(
        email,
        "Confirm your address for bilat",
        f"To make your bilat account, open this link within {LINK_HOURS} hours and choose a "
        f"password:\n\n{mail.signed_link('signup-confirm', pending.key, salt=_SALT)}\n\n"
        "If you did not ask for an account, ignore this message: nothing was changed, and "
        "what was typed into the form is deleted.\n",
    )


def read_link(token: str) -> Signup:
    """The sign-up a link confirms; `CoordinationError` when the link was altered, is too
    old, was replaced, or was used already or its address has got an account since (then it
    says to log in: only who holds the signed link learns it)."""
    key = mail.read_signed(token, salt=_SALT, hours=LINK_HOURS, again=_AGAIN)
    found = PendingSignup.objects.filter(key=str(key), created__gte=_expired()).first()
    if found is None:
        raise CoordinationError(
            f"This link is no longer valid (a newer one replaced it): {_AGAIN}."
        )
    if found.used or has_account(found.email):
        _spend(found.email)
        raise AccountMade()
    return Signup(found.email, found.first_name, found.last_name)


def _spend(email: str) -> int:
    """Mark the address's pending sign-up used, its name forgotten; how many were unused."""
    pending = PendingSignup.objects.filter(email=email, used=False)
    return pending.update(used=True, first_name="", last_name="")


@transaction.atomic
def create_account(signup: Signup, password: str) -> User:
    """Make the account of a proven address and link it to the directory record with that
    address (made from the sign-up when there is none); the link is logged like every other
    change. The password is checked by the caller (the form runs Django's validators)."""
    # The link works once: of two uses at the same time, the second finds nothing left to
    # mark used (PostgreSQL makes it wait for the first's commit).
    if not _spend(signup.email) or has_account(signup.email):
        raise AccountMade()
    user = User.objects.create_user(
        signup.email,
        email=signup.email,
        password=password,
        first_name=signup.first_name,
        last_name=signup.last_name,
    )
    person = find_person(signup.email)
    if person is None:
        data = PersonData(signup.first_name, signup.last_name, signup.email)
        person, _ = save_person(user, data, source="sign-up")
    person.user = user
    person.save(update_fields=["user"])
    record(user, "link", person, ["user"], note="account linked: address proven by e-mail")
    return user


def _role(user: User) -> str:
    return "admin" if user.is_superuser else "editor" if is_editor(user) else "participant"


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def export_own(user: User) -> dict[str, Any]:
    """What bilat holds about the signed-in person (GDPR art. 15), whatever their role: their
    account, and their directory record when the account has one (an editor's usually has
    none). Only their own: the changes an editor made are counted, not listed, as what they
    changed is other people's data (the change log shows it to editors)."""
    person = person_of(user)
    found: dict[str, Any] = {
        "exported": _when(timezone.now()),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": _role(user),
            "joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "changes_logged": Change.objects.filter(user=user).count(),
        },
    }
    if person is None:
        return found | {"person": None}
    return found | {k: v for k, v in export_person(person).items() if k != "exported"}
