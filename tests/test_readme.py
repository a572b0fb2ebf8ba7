"""The README is the reference a user reads: every setting and every command is in it.

A setting added to `bilat.config` or a command added to the CLI without a line in the README
fails here, as Datasette's documentation tests do.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from bilat import config
from bilat.cli import main

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str) -> Iterator[str]:
    """Every command line a user types, `bilat report awareness` for a group's subcommand."""
    for name, command in sorted(group.commands.items()):
        line = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from commands(command, line)
        else:
            yield line


def test_every_setting_is_in_the_readme_settings_table() -> None:
    table = README[README.index("## Settings") :]
    missing = [s.env for s in config.SETTINGS if f"| `{s.env}` |" not in table]
    assert missing == [], f"settings not in the README's Settings table: {missing}"


def test_every_command_is_in_the_readme() -> None:
    found = list(commands(main, "bilat"))
    assert "bilat serve" in found and "bilat settings" in found
    missing = [line for line in found if f"{line} " not in README and f"{line}\n" not in README]
    assert missing == [], f"commands the README never shows: {missing}"
