"""Sending e-mail from the coordination operations, through Django's mail settings (which
`BILAT_EMAIL` sets: the server's log by default).

Operations send their messages once their transaction is committed (`after_commit`): a change
that is rolled back sends nothing, and a mail server that fails does not undo a change that
was made (the failure is logged with its traceback, for the operator to see)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

log = logging.getLogger(__name__)

Attachment = tuple[str, bytes, str]  # file name, content, MIME type


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
