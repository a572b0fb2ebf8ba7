"""Options that several commands share, declared once.

The observatory filters (`filter_options`) are the parameters every indicator accepts,
generated from their one declaration in `bilat.indicators.filters`; `bilat indicators` takes
all of them, the monitoring reports the country and the programme.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from bilat import config, exports
from bilat.cli.group import errors
from bilat.indicators.filters import BY_NAME, FILTERS

F = TypeVar("F", bound=Callable[..., Any])

warehouse_option = click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Warehouse file (default: $BILAT_WAREHOUSE, else the per-user data folder).",
)


def warehouse_path(path: Path | None) -> Path:
    """The warehouse file a command works on: the one given, else the configured one."""
    return path if path is not None else config.warehouse_path()


# The monitoring reports take one country (or a group, or a comma-separated list) and one
# programme, with the help of their declaration.
country_option = click.option(
    "--country", default="US", show_default=True, help=BY_NAME["country"].help
)
programme_option = click.option("--programme", help=BY_NAME["programme"].help)


def filter_options(command: F, *, country: bool = True) -> F:
    """Add the observatory filters to a command, generated from their declaration
    (`bilat.indicators.filters.FILTERS`, in its order); a filter that takes several values
    takes them as a repeated option, since values may hold commas. Without `country` (a
    comparison names its countries as arguments) the other six."""
    for spec in reversed(FILTERS):
        if spec.name == "country" and not country:
            continue
        more = " Repeat the option for several values." if spec.many else ""
        option = click.option(spec.flag, spec.name, multiple=spec.many, help=spec.help + more)
        command = option(command)
    return command


def output_option(help: str) -> Callable[[F], F]:
    """`-o/--output FILE`, with the command's own help saying what goes there."""
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=help
    )


def deliver(data: bytes, output: Path | None, written: str) -> None:
    """Send what `--format` made to the terminal, or to `--output` with the line `written`
    on the error stream (so that the file's own bytes stay alone on standard output)."""
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    output.write_bytes(data)
    errors.print(written)


def table_output_options(command: F) -> F:
    """`--format table|csv|json|xlsx|parquet` and `-o/--output FILE`, for the commands that
    print a table or write it through the export writers."""
    command = output_option("Write to this file instead of the terminal (required for xlsx).")(
        command
    )
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", *exports.FORMATS]),
        default="table",
        show_default=True,
    )(command)
