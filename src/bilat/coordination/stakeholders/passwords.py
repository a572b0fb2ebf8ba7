"""Choosing a new password for a forgotten one, from a link sent to the account's address.

Asking answers the same whatever the address, and costs the same: one message goes to the
address in the same request either way (a link for its account, or a note that it has none),
so neither the page nor its timing tells whether an account exists. The message goes to
the address stored on the account, never to the one typed, and only when the two are equal up
to case in Python: a database that folds case beyond ASCII (the dotless i, U+0131, upper-cased
is I) would otherwise send the link for `mike@…` to whoever typed `m\u0131ke@…`.

The link names the account by its number and carries Django's password-reset token (an HMAC
of the account's number, password hash, last log-in and address, dated): it works until
`PASSWORD_RESET_TIMEOUT`, and stops working as soon as the password changes (by this link,
another one, `bilat user` or the admin) or the person logs in, so every link sent before a
reset dies with it. Asking changes nothing: the current password keeps working, so nobody
locks anyone out by asking for them. Accounts an admin closed (inactive, or without a usable
password) get no link: a reset would reopen what an admin shut.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from bilat.coordination import mail
from bilat.coordination.audit.operations import record
from bilat.coordination.stakeholders.operations import normal_email
from bilat.errors import CoordinationError

HOURS: int = settings.PASSWORD_RESET_TIMEOUT // 3600
SUBJECT = "Your bilat password"
_IGNORE = "If you did not ask, ignore this message: nothing was changed."


def _folded(email: str) -> str:
    """An address compared as Django's own reset compares it: NFKC, then case folded."""
    return unicodedata.normalize("NFKC", email).casefold()


def _accounts_of(email: str) -> list[User]:
    """The accounts whose stored address is `email`, up to case (exactly, in Python: the
    database's case-insensitive match is only a first sieve)."""
    wanted = _folded(normal_email(email))
    found = User.objects.filter(email__iexact=normal_email(email)).order_by("pk")
    return [user for user in found if _folded(user.email.strip()) == wanted]


def _usable(user: User) -> bool:
    return user.is_active and user.has_usable_password()


def reset_link(user: User) -> str:
    """The absolute link (from `BILAT_BASE_URL`, never the request's Host) that lets the
    holder choose a new password for `user`."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return mail.link("password-reset-confirm", uid, default_token_generator.make_token(user))


def _message(email: str, accounts: list[User]) -> tuple[str, str]:
    """Where the message goes and what it says."""
    usable = [user for user in accounts if _usable(user)]
    if usable:
        links = "\n\n".join(
            (f"For the account {user.get_username()}:\n" if len(usable) > 1 else "")
            + reset_link(user)
            for user in usable
        )
        return usable[0].email, (
            "Someone (probably you) asked to choose a new password for your bilat account. "
            f"Open this link within {HOURS} hours to choose it:\n\n{links}\n\n"
            "The link works once: it stops working as soon as the password is changed, or "
            "you log in. Your current password keeps working until you choose a new one. "
            f"{_IGNORE}\n"
        )
    if accounts:
        return accounts[0].email, (
            "Someone (probably you) asked to choose a new password for the bilat account of "
            "this address, but its log-in was closed by the coordination team, so it cannot "
            f"be reopened from a link. Ask the team if you need it again.\n\n{_IGNORE}\n"
        )
    return email, (
        "Someone (probably you) asked to choose a new password for a bilat account with this "
        "address, but no account has it. To make one, sign up at "
        f"{mail.link('signup')}\n\n{_IGNORE}\n"
    )


def request_reset(email: str) -> None:
    """Send the address one message, now, whether or not an account has it: a link to choose
    a new password for each of its accounts that may have one, else a note saying why not."""
    to, body = _message(normal_email(email), _accounts_of(email))
    mail.send(to, SUBJECT, body)


def _account(uid: str, *, lock: bool) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    found = User.objects.select_for_update() if lock else User.objects
    return found.filter(pk=pk).first()


def account_of_link(uid: str, token: str, *, lock: bool = False) -> User:
    """The account a link lets choose a new password (its row locked until the transaction
    ends, with `lock`); `CoordinationError` when the link was altered or names another
    account, is too old, or its password has changed (or its owner logged in) since it was
    sent, or an admin closed the account."""
    user = _account(uid, lock=lock)
    if user is None or not _usable(user) or not default_token_generator.check_token(user, token):
        raise CoordinationError(
            f"This link does not work: it is altered, more than {HOURS} hours old, or the "
            "password was changed (or you logged in) since it was sent. Ask for a new one."
        )
    return user


@transaction.atomic
def reset_password(uid: str, token: str, password: str) -> User:
    """Set the new password of the account the link names, once: the link is checked with
    the account's row locked, so of two uses at the same moment the second waits, then finds
    the password changed and is refused. The password is checked by the caller (the form
    runs Django's validators). Logged in the change log, without the password."""
    user = account_of_link(uid, token, lock=True)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(user, "change", user, ["password"], note="password chosen from a link sent by e-mail")
    return user
