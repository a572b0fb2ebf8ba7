"""Brakes on what anyone can post: the registration form, sign-up, log-in and asking for a
new password. Each is counted per e-mail address or account, and per client (the connecting
IP address), over a fixed window; past the limit the attempt is refused with a message that
says when to try again.

The counts live in the coordination database (`models.Attempts`), not in a process's memory:
`bilat serve --workers 4` would otherwise let four times the limit through, and a restart would
forget them. Each count is one atomic UPDATE; the first attempt of a window starts it.
django-axes would keep failed log-ins and lock accounts for good, which an editor must then
undo; a window that runs out needs no one.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from bilat.errors import CoordinationError


@dataclass(frozen=True)
class Limit:
    """At most `per_address` attempts for one address (or account) and `per_client` from
    one client within `minutes`."""

    name: str
    per_address: int
    per_client: int
    minutes: int
    address: str = "address"  # what is counted: an e-mail address, or a log-in's account
    # At most this many for one address from one client, when set: the address's own count
    # can then be high enough that one client alone cannot use it up.
    per_pair: int | None = None


# A person registers for a few events an hour; a robot posting a thousand is stopped.
REGISTRATION = Limit("registration", per_address=3, per_client=20, minutes=60)
SIGNUP = Limit("sign-up", per_address=3, per_client=10, minutes=60)
# Failed log-ins only: five wrong passwords for an account from one client hold that
# account for that client for 15 minutes. Counted per account alone, they let anyone lock an
# editor out with five requests every quarter of an hour; the account's own count (100) stops
# guessing spread over many clients, which one client (30 at most) cannot reach.
# Asking for a link to choose a new password: each sends a message, so the address's own count
# keeps its mailbox from being flooded; one client alone cannot use it up (3 of 10), and it
# never touches the log-in, as asking changes nothing of the account.
PASSWORD_RESET = Limit("password reset", per_address=10, per_client=10, minutes=60, per_pair=3)
LOGIN = Limit("log-in", per_address=100, per_client=30, minutes=15, address="account", per_pair=5)


class TooManyAttempts(CoordinationError):
    """An address, account or client went past a limit; nothing was done. `seconds`: how
    long until its window ends and the attempt would be taken again."""

    def __init__(self, message: str, *, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


def client_of(request: HttpRequest) -> str:
    """The connecting address (behind a reverse proxy: the proxy's, unless it passes the
    client's on; see the README's deployment section)."""
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _keys(limit: Limit, address: str, client: str) -> list[tuple[str, int, str]]:
    """The counters of an attempt: by a digest of the address (whatever its length, and
    not kept in clear), and by client."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
    keys = [
        (f"{limit.name}:address:{digest}", limit.per_address, f"for this {limit.address}"),
        (f"{limit.name}:client:{client[:200]}", limit.per_client, "from your network"),
    ]
    if limit.per_pair is not None:
        pair = hashlib.sha256(f"{digest}|{client[:200]}".encode()).hexdigest()[:32]
        keys.append((f"{limit.name}:pair:{pair}", limit.per_pair, f"for this {limit.address}"))
    return keys


def held(response: HttpResponse, seconds: int) -> HttpResponse:
    """Mark `response` (the form again, saying why) as refused by a limit: 429 Too Many
    Requests, with the seconds left to wait in Retry-After for robots and proxies."""
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


def check(limit: Limit, address: str, client: str) -> None:
    """Refuse when the address or the client has used up its attempts."""
    from bilat.coordination.limits.models import Attempts

    now = timezone.now()
    for key, most, whose in _keys(limit, address, client):
        found = Attempts.objects.filter(key=key, window_ends__gt=now).first()
        if found is not None and found.count >= most:
            # What is left of the window, not the whole of it: a client held near the end
            # of one is told so, and a robot honouring Retry-After does not wait for nothing.
            seconds = math.ceil((found.window_ends - now).total_seconds())
            raise TooManyAttempts(
                f"Too many {limit.name} attempts {whose} in a short time: please try again "
                f"in {_minutes(seconds)}.",
                seconds=seconds,
            )


def _minutes(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def count(limit: Limit, address: str, client: str) -> None:
    """Count one attempt for the address and the client (the window starts with the first)."""
    from bilat.coordination.limits.models import Attempts

    now = timezone.now()
    with transaction.atomic():
        Attempts.objects.filter(window_ends__lt=now - timedelta(days=1)).delete()
        for key, _, _ in _keys(limit, address, client):
            counted = Attempts.objects.filter(key=key, window_ends__gt=now).update(
                count=F("count") + 1
            )
            if not counted:  # no window yet, or an ended one: a new window starts
                Attempts.objects.update_or_create(
                    key=key,
                    defaults={"count": 1, "window_ends": now + timedelta(minutes=limit.minutes)},
                )


def attempt(limit: Limit, address: str, client: str) -> None:
    """Check, then count: for forms where every attempt counts."""
    check(limit, address, client)
    count(limit, address, client)
