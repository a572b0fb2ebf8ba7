"""Participants' accounts. Nobody acts as someone else: an account is made only once its
address is proven, by a signed link (Django's `TimestampSigner`) that expires and is sent to
that address, and only then linked to the directory record that carries the address.

Asking for an account answers the same whether or not the address is known: the details
(the link, or "you already have an account") go by e-mail to the address itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.contrib.auth.models import User
from django.db import transaction

from bilat.coordination import mail
from bilat.coordination.audit.operations import record
from bilat.coordination.stakeholders.models import Person
from bilat.coordination.stakeholders.operations import (
    PersonData,
    find_person,
    normal_email,
    save_person,
)
from bilat.errors import CoordinationError

LINK_HOURS = 48
_SALT = "bilat.coordination.signup"


@dataclass(frozen=True)
class Signup:
    """What the sign-up form asked for, carried by the signed link."""

    email: str
    first_name: str
    last_name: str


def has_account(email: str) -> bool:
    """Whether an account, or a directory record linked to one, has this address."""
    email = normal_email(email)
    if User.objects.filter(username__iexact=email).exists():
        return True
    return Person.objects.filter(email=email, user__isnull=False).exists()


def request_account(signup: Signup) -> None:
    """E-mail the address a link to choose a password and make the account, or, when it has
    an account already, a note that says so. Nothing else changes until the link is used."""
    email = normal_email(signup.email)
    if has_account(email):
        mail.after_commit(
            email,
            "Your bilat account",
            "Someone (probably you) asked for a bilat account with this address, which has "
            f"one already. Log in at {mail.link('login')}\n\nIf it was not you, ignore this "
            "message: nothing was changed.\n",
        )
        return
    fields = asdict(Signup(email, signup.first_name.strip(), signup.last_name.strip()))
    mail.after_commit(
        email,
        "Confirm your address for bilat",
        f"To make your bilat account, open this link within {LINK_HOURS} hours and choose a "
        f"password:\n\n{mail.signed_link('signup-confirm', fields, salt=_SALT)}\n\nIf you did "
        "not ask for an "
        "account, ignore this message: nothing was changed.\n",
    )


def read_link(token: str) -> Signup:
    """The sign-up a link carries; `CoordinationError` when it was altered or is too old."""
    fields = mail.read_signed(token, salt=_SALT, hours=LINK_HOURS, again="ask for a new one")
    return Signup(**fields)


@transaction.atomic
def create_account(signup: Signup, password: str) -> User:
    """Make the account of a proven address and link it to the directory record with that
    address (made from the sign-up when there is none); the link is logged like every other
    change. The password is checked by the caller (the form runs Django's validators)."""
    if has_account(signup.email):
        raise CoordinationError("This address has an account already: log in.")
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
