"""Brakes on what anyone can post: the registration form, sign-up and log-in. Each is
counted per e-mail address or account, and per client (the connecting IP address), over a
fixed window, in Django's cache; past the limit the attempt is refused with a message that
says when to try again.

Django's cache is enough here (the default is per process: with several server processes
each counts on its own, so the effective limit is that many times higher; a shared cache
makes it exact). django-axes would keep failed log-ins in the database and lock accounts
for good, which an editor must then undo; a window that runs out needs no one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

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


# A person registers for a few events an hour; a robot posting a thousand is stopped.
REGISTRATION = Limit("registration", per_address=3, per_client=20, minutes=60)
SIGNUP = Limit("sign-up", per_address=3, per_client=10, minutes=60)
# Failed log-ins only: five wrong passwords hold the account for 15 minutes.
LOGIN = Limit("log-in", per_address=5, per_client=30, minutes=15, address="account")


class TooManyAttempts(CoordinationError):
    """An address, account or client went past a limit; nothing was done."""


def client_of(request: HttpRequest) -> str:
    """The connecting address (behind a reverse proxy: the proxy's, unless it passes the
    client's on; see the README's deployment section)."""
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _keys(limit: Limit, address: str, client: str) -> list[tuple[str, int, str]]:
    return [
        (f"bilat-limit:{limit.name}:address:{address.strip().lower()}", limit.per_address,
         f"for this {limit.address}"),
        (f"bilat-limit:{limit.name}:client:{client}", limit.per_client, "from your network"),
    ]  # fmt: skip


def check(limit: Limit, address: str, client: str) -> None:
    """Refuse when the address or the client has used up its attempts."""
    for key, most, whose in _keys(limit, address, client):
        if cache.get(key, 0) >= most:
            raise TooManyAttempts(
                f"Too many {limit.name} attempts {whose} in a short time: please try again "
                f"in {limit.minutes} minutes."
            )


def count(limit: Limit, address: str, client: str) -> None:
    """Count one attempt for the address and the client (the window starts with the first)."""
    for key, _, _ in _keys(limit, address, client):
        cache.add(key, 0, timeout=limit.minutes * 60)
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=limit.minutes * 60)


def attempt(limit: Limit, address: str, client: str) -> None:
    """Check, then count: for forms where every attempt counts."""
    check(limit, address, client)
    count(limit, address, client)
