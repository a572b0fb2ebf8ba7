"""Who may do what on the coordination side.

- The public sees the observatory, published event pages and the recommendations register.
- Registered participants (an account linked to their directory entry) see and change their
  own data and consent, and register for events.
- Editors (members of the "Editors" group, which are staff so the admin opens for them)
  manage stakeholders, events, registrations, recommendations and the awareness log.
- Admins (superusers) manage users and roles in the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from bilat.errors import CoordinationError

EDITORS = "Editors"
COORDINATION_APPS = (
    "stakeholders",
    "events",
    "meetings",
    "feedback",
    "recommendations",
    "awareness",
)


def is_editor(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    cached: bool | None = getattr(user, "_bilat_editor", None)
    if cached is None:
        cached = user.groups.filter(name=EDITORS).exists()  # type: ignore[attr-defined]
        user._bilat_editor = cached  # type: ignore[attr-defined]
    return cached


def editor_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Anonymous visitors are sent to log in; signed-in non-editors get 403."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_editor(request.user):
            raise PermissionDenied("Only editors of the coordination team can open this page.")
        return view(request, *args, **kwargs)

    return guarded


def grant(user: Any, role: str) -> None:
    """Make `user` an editor, or an admin ("admin": a superuser, in the Editors group too so
    that the coordination pages treat them alike)."""
    user.is_staff = True
    user.is_superuser = role == "admin"
    user.save()
    user.groups.add(Group.objects.get_or_create(name=EDITORS)[0])


def set_password(user: Any, password: str) -> None:
    """Set an account's password once Django's validators (AUTH_PASSWORD_VALIDATORS) accept
    it; `CoordinationError` says why not."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise CoordinationError(
            "The password is refused: " + " ".join(error.messages), field="password"
        ) from error
    user.set_password(password)


def ensure_editors_group(**kwargs: Any) -> None:
    """The Editors group with every permission on the coordination data (run after each
    migration, so new models are covered)."""
    group, _ = Group.objects.get_or_create(name=EDITORS)
    wanted = Permission.objects.filter(content_type__app_label__in=COORDINATION_APPS)
    group.permissions.add(*wanted)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="audit", codename="view_change")
    )
