"""Settings of bilat, declared once with their defaults and help text.

Each setting is read from the environment, then falls back to its default, so the CLI, the web
server and the tests all agree on where things are. `bilat settings` prints this table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True)
class Setting:
    """One configuration value: its environment variable, default and meaning."""

    env: str
    default: str
    help: str

    def value(self) -> str:
        """The environment's value when set and not empty, else the default."""
        return os.environ.get(self.env) or self.default


DATA_DIR = Path(platformdirs.user_data_dir("bilat"))

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "BILAT_WAREHOUSE",
        str(DATA_DIR / "warehouse.duckdb"),
        "Path of the DuckDB warehouse file built by `bilat ingest` and read by everything else.",
    ),
    Setting(
        "DATABASE_URL",
        f"sqlite:///{DATA_DIR / 'bilat.sqlite3'}",
        "Database of the coordination data (Django): SQLite by default, postgres://... for a "
        "shared deployment.",
    ),
    Setting(
        "BILAT_UPLOADS",
        str(DATA_DIR / "uploads"),
        "Folder of documents uploaded to events (minutes, slides).",
    ),
    Setting(
        "BILAT_UPLOAD_TYPES",
        "pdf,docx,pptx,xlsx,odt,odp,ods,csv,txt,png,jpg",
        "Comma-separated file types (extensions) editors may upload to events; each is served "
        "as a download with its own content type. Types a browser runs as a page (html, svg, "
        "xml, js) are never accepted.",
    ),
    Setting(
        "BILAT_UPLOAD_MAX_MB",
        "20",
        "Largest document editors may upload to an event, in megabytes.",
    ),
    Setting(
        "BILAT_EMAIL",
        "console",
        "How e-mails to registrants leave: console (written to the server's log) or "
        "smtp://user:password@host:port (STARTTLS on port 587; smtps:// for TLS from the start).",
    ),
    Setting(
        "BILAT_EMAIL_FROM",
        "bilat <noreply@localhost>",
        "Sender of the e-mails to registrants.",
    ),
    Setting(
        "BILAT_ERROR_LOG",
        "-",
        "Where server errors are logged with their traceback: - for standard error, or the "
        "path of a file.",
    ),
    Setting(
        "BILAT_ERROR_MAIL",
        "",
        "Comma-separated addresses that also get every server error, with its traceback, by "
        "e-mail (sent as BILAT_EMAIL says).",
    ),
    Setting(
        "BILAT_BASE_URL",
        "http://127.0.0.1:8000",
        "Public address of the site (scheme, host and any path prefix), for the absolute links "
        "that leave it: e-mails to registrants and the iCalendar feeds. Unset, `bilat serve` "
        "uses the address it listens on (set it for --production).",
    ),
    Setting(
        "BILAT_ANONYMOUS_EXPORT_ROWS",
        "100000",
        "Most rows a visitor who is not signed in may download from an explore page at once "
        "(more: the JSON API, page by page).",
    ),
    Setting(
        "BILAT_SECRET_KEY",
        "",
        "Django secret key. When empty, a random key is made on first start and kept in "
        "BILAT_SECRET_KEY_FILE.",
    ),
    Setting(
        "BILAT_SECRET_KEY_FILE",
        str(DATA_DIR / "secret_key"),
        "File holding the secret key made on first start when BILAT_SECRET_KEY is not set "
        "(readable by its owner only; every app server of a deployment needs the same key).",
    ),
    Setting(
        "BILAT_PRODUCTION",
        "0",
        "1 for production behind an HTTPS reverse proxy (as `bilat serve --production`): "
        "gunicorn, secure cookies, HSTS, redirect to HTTPS, X-Forwarded-Proto trusted.",
    ),
    Setting(
        "BILAT_DEBUG",
        "0",
        "1 to run Django in debug mode (never in production).",
    ),
    Setting(
        "BILAT_ALLOWED_HOSTS",
        "127.0.0.1,localhost,testserver",
        "Comma-separated host names the web server answers to.",
    ),
)

_BY_ENV = {setting.env: setting for setting in SETTINGS}


def get(env: str) -> str:
    """Current value of the setting named by its environment variable."""
    return _BY_ENV[env].value()


def warehouse_path() -> Path:
    """Where the warehouse lives unless a command is given `--warehouse`."""
    return Path(get("BILAT_WAREHOUSE")).expanduser()
