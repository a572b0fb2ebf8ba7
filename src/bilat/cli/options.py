"""Options that several commands share, declared once.

The observatory filters (`filter_options`) are the seven parameters every indicator accepts;
`bilat indicators` takes all of them, the monitoring reports the country and the programme.
Keeping them here means a change to how a filter is declared is made in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from bilat import config

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


country_option = click.option(
    "--country",
    default="US",
    show_default=True,
    help="Country code (US, UK or GB), name, comma-separated list, or EU, ASSOCIATED, THIRD.",
)
programme_option = click.option(
    "--programme", help="FP7, H2020 or HE, comma-separated (default: all loaded)."
)
# The other five filters of the observatory, after country and programme.
_NARROWING = (
    click.option("--years", help="Year range: 2021, 2014-2020, 2018- or -2016."),
    click.option(
        "--part", "programme_part", help="Programme part: code (HORIZON.1.2) or name (MSCA)."
    ),
    click.option("--scheme-group", help="Funding-scheme group, e.g. collaborative, mobility."),
    click.option("--role", help="Role, e.g. coordinator, participant, associatedPartner."),
    click.option("--organisation-type", help="Activity type: HES, REC, PRC, PUB or OTH."),
)


def filter_options(command: F) -> F:
    """Add the seven observatory filters (country, programme, years, part, scheme group,
    role, organisation type) to a command, in that order in its help."""
    for option in reversed((country_option, programme_option, *_NARROWING)):
        command = option(command)
    return command


def output_option(help: str) -> Callable[[F], F]:
    """`-o/--output FILE`, with the command's own help saying what goes there."""
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=help
    )
