"""Sending e-mail from the coordination operations, through Django's mail settings (which
`BILAT_EMAIL` sets: the server's log by default).

Operations send their messages once their transaction is committed (`after_commit`): a change
that is rolled back sends nothing, and a mail server that fails does not undo a change that
was made (the failure is logged with its traceback, for the operator to see)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from bilat.errors import CoordinationError

log = logging.getLogger(__name__)

Attachment = tuple[str, bytes, str]  # file name, content, MIME type


def link(name: str, *args: object) -> str:
    """The absolute address of the site's page `name` (a URL name, with its arguments), from
    `BILAT_BASE_URL`: messages are read away from the site, and no request is at hand in an
    operation."""
    base: str = settings.BILAT_BASE_URL
    return base.rstrip("/") + reverse(name, args=args)


def send(to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
    """Send one message to one address now; a failing mail server is logged, not raised."""
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    for name, content, kind in attachments:
        message.attach(name, content, kind)
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        log.exception("The e-mail %r could not be sent", subject)


def after_commit(to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
    """Send the message once the current transaction is committed (at once outside one)."""
    transaction.on_commit(lambda: send(to, subject, body, attachments))


def signed_link(name: str, value: Any, *, salt: str) -> str:
    """The absolute address of page `name` carrying `value`, signed and dated (Django's
    `TimestampSigner`): whoever opens it has read the message, so it proves the address."""
    return link(name, signing.TimestampSigner(salt=salt).sign_object(value))


def read_signed(token: str, *, salt: str, hours: int, again: str) -> Any:
    """The value a signed link carries; `CoordinationError` when it was altered or is more
    than `hours` old (`again` says what to do then)."""
    try:
        return signing.TimestampSigner(salt=salt).unsign_object(token, max_age=hours * 3600)
    except signing.SignatureExpired as error:
        raise CoordinationError(f"This link is more than {hours} hours old: {again}.") from error
    except signing.BadSignature as error:
        raise CoordinationError(f"This link is not valid: {again}.") from error
