"""Where server errors go: every unexpected exception of a request is logged with its traceback.

Django's own defaults print request errors only in debug mode and mail them only to `ADMINS`,
so a production server would lose them. Here they go to standard error by default (where
gunicorn, systemd or a container collects them), or to a file (`BILAT_ERROR_LOG`), and also by
e-mail to `BILAT_ERROR_MAIL` when it names anyone.
"""

from __future__ import annotations

from typing import Any

STANDARD_ERROR = ("", "-", "stderr")


def logging_config(error_log: str, *, mail: bool) -> dict[str, Any]:
    """The `LOGGING` setting: errors to standard error or to the file `error_log`, and mail."""
    if error_log in STANDARD_ERROR:
        errors: dict[str, Any] = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    else:
        # WatchedFileHandler reopens the file after logrotate moved it away.
        errors = {"class": "logging.handlers.WatchedFileHandler", "filename": error_log}
    handlers: dict[str, Any] = {"errors": errors | {"level": "ERROR", "formatter": "plain"}}
    if mail:
        handlers["mail"] = {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"}
    to = list(handlers)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": handlers,
        "loggers": {
            # Unexpected exceptions of requests (500): the message, then the traceback.
            "django.request": {"handlers": to, "level": "ERROR", "propagate": False},
            "django.security": {"handlers": to, "level": "ERROR", "propagate": False},
            "bilat": {"handlers": to, "level": "ERROR", "propagate": False},
        },
    }
