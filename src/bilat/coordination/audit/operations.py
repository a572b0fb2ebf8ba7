"""Writing the change log; every operation of the other apps calls `record`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from bilat.coordination.audit.models import Change

Actor = AbstractBaseUser | AnonymousUser | None


def user_of(actor: Actor) -> Any:
    """The account acting, or None for the public and for commands."""
    return actor if actor is not None and actor.is_authenticated else None


def record(
    actor: Actor,
    action: str,
    obj: models.Model,
    fields: Iterable[str] = (),
    note: str = "",
) -> Change:
    """Log `action` on `obj` by `actor` (None or anonymous: the public or a command)."""
    return Change.objects.create(
        user=user_of(actor),
        action=action,
        model=obj._meta.label,
        object_id=str(obj.pk),
        fields=sorted(fields),
        note=note[:300],
    )
