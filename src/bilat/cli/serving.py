"""Serving the web pages, and the settings they and every command read."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from bilat import config
from bilat.cli.coordination import django_setup
from bilat.cli.group import main
from bilat.cli.options import warehouse_option, warehouse_path

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes; above 1, gunicorn serves (as in production) instead of "
    "Django's development server.",
)
@click.option(
    "--production",
    is_flag=True,
    help="Behind an HTTPS reverse proxy: gunicorn, secure cookies, HSTS, redirect to HTTPS "
    "(also BILAT_PRODUCTION=1).",
)
@warehouse_option
def serve_command(
    host: str, port: int, workers: int, production: bool, warehouse: Path | None
) -> None:
    """Serve the web pages on http://HOST:PORT (migrating the coordination database first)."""
    os.environ["BILAT_WAREHOUSE"] = str(warehouse_path(warehouse))
    if production:
        os.environ["BILAT_PRODUCTION"] = "1"
    elif not os.environ.get("BILAT_BASE_URL"):  # links in e-mails and feeds lead back here
        os.environ["BILAT_BASE_URL"] = local_address(host, port)
    django_setup()
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from bilat.web.views import bundle_script

    bundle_script()  # build the chart script now, not on the first visitor's request
    from bilat import serving
    from bilat.bridges import search

    search.preload(serving.warehouse())  # the partner index, read before workers fork
    if workers == 1 and not settings.PRODUCTION:
        if host not in LOOPBACK:
            click.echo(
                f"Warning: Django's development server on {host}; "
                "use --production behind an HTTPS reverse proxy.",
                err=True,
            )
        execute_from_command_line(["bilat", "runserver", "--noreload", f"{host}:{port}"])
        return
    from gunicorn.app.wsgiapp import run

    # --preload: the app (and its chart script) is built once, before the workers fork.
    sys.argv = [
        "gunicorn",
        "bilat.site.wsgi:application",
        "--preload",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--bind",
        f"{host}:{port}",
        "--access-logfile",
        "-",
    ]
    run()


@main.command("settings")
def settings_command() -> None:
    """Show every setting, its environment variable, current value and meaning."""
    for setting in config.SETTINGS:
        click.echo(f"{setting.env}={setting.value()}\n    {setting.help}")


def local_address(host: str, port: int) -> str:
    """The address a browser on this machine opens for a server on `host`:`port`.

    >>> local_address("127.0.0.1", 8109), local_address("0.0.0.0", 8000)
    ('http://127.0.0.1:8109', 'http://127.0.0.1:8000')
    """
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{port}"
