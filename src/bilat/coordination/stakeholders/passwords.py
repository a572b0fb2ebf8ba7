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

Changing one's password while logged in (`change_password`) needs the current one; wrong
ones count against the account's log-in brake (`limits.LOGIN`), so a stolen session cannot
guess it faster than the log-in page would let it. After either, the account's address is
told the password changed, and when, with the way back if it was not them; the message never
holds the password.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from bilat.coordination import mail
from bilat.coordination.audit.operations import record
from bilat.coordination.stakeholders.operations import normal_email
from bilat.errors import CoordinationError

HOURS: int = settings.PASSWORD_RESET_TIMEOUT // 3600
SUBJECT = "Your bilat password"
CHANGED = "Your bilat password was changed"
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
    _set(user, password, how="chosen from a link sent by e-mail")
    return user


@transaction.atomic
def change_password(user: User, password: str) -> User:
    """Set the logged-in account's new password (the caller's form checked the current one
    and ran Django's validators); logged in the change log, without the password, and the
    address told once the change is committed."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _set(user, password, how="changed by its owner, logged in")
    return user


def _set(user: User, password: str, *, how: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    record(user, "change", user, ["password"], note=f"password {how}")
    if user.email:
        mail.after_commit(user.email, CHANGED, changed_notice(user, timezone.now()))


def changed_notice(user: User, when: datetime) -> str:
    """The message telling an account's address its password changed: when (in the site's
    time zone, named), and what to do if it was not them. No password, no name in a link."""
    local = timezone.localtime(when)
    stamp = f"{local:%A %d %B %Y at %H:%M} {local.tzname()}"
    return (
        f"The password of your bilat account {user.get_username()} was changed on {stamp}.\n\n"
        "If it was you, there is nothing to do. If it was not you, choose a new password "
        f"now at {mail.link('password-reset')} (the link to choose it comes to this "
        "address), and tell the coordination team: changing it logs out every other session "
        "of the account.\n"
    )
