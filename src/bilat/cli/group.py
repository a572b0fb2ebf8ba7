"""The `bilat` group, the `bilat report` group, and what every command shares: the consoles,
the mapping of bilat's errors to messages, and the progress displays.

Errors raised on purpose (`BilatError`) become one-line messages and exit code 1; usage
mistakes exit with 2, as click does.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from bilat.errors import BilatError

console = Console()
errors = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn bilat's own errors into a one-line message and exit code 1."""
    try:
        yield
    except BilatError as error:
        raise click.ClickException(str(error)) from error


@contextmanager
def interruptible(target: Path) -> Iterator[None]:
    """Ctrl-C during a command that rebuilds `target` (an ingest): one line saying what became
    of the warehouse and exit code 130, not the traceback of whatever DuckDB was doing (a
    query interrupted, a transaction aborted by it). The warehouse is swapped in whole or not
    at all, so it holds either what it held before or the whole of the new build."""
    before = _identity(target)
    interrupted = False

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    except BaseException:
        if not interrupted:
            raise
        after = _identity(target)
        if after != before:
            said = "holds the new build, swapped in just before."
        else:
            said = "was not created." if after is None else "is as it was."
        click.echo(f"Interrupted: {target} {said}", err=True)  # one line, unwrapped
        raise SystemExit(130) from None
    finally:
        signal.signal(signal.SIGINT, previous)


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at `path` (a swap puts another one there), or None if none is."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns


@click.group()
@click.version_option(package_name="bilat")
def main() -> None:
    """bilat: observatory of EU-US cooperation in the EU research framework programmes."""


class ReportCommand(click.Command):
    """A report subcommand that, given an option of another report, says whose it is
    instead of only that it does not exist."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            owners = _reports_with_option(error.option_name)
            if not owners:
                raise
            raise click.UsageError(
                f"No such option {error.option_name!r} for this report: it is an option of "
                + " and ".join(f"'bilat report {name}'" for name in owners)
                + ".",
                ctx,
            ) from error


def _reports_with_option(name: str) -> list[str]:
    return [
        command.name or ""
        for command in report.commands.values()
        if any(name in param.opts for param in command.params)
    ]


@main.group("report")
def report() -> None:
    """Write a report: a monitoring report (us-participation, cooperation-monitoring) for any
    country, or from the coordination data the activity report of a period (awareness) or the
    outcome report of an event (event-outcome). `bilat report NAME --help` lists its options."""


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr that appears with the first update, so errors print clean."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    progress = Progress(*columns, console=errors, transient=True)
    tasks: dict[str, Any] = {}

    def update(message: str, done: int, total: int) -> None:
        if message.startswith("waiting"):  # said once, in words, even without a terminal
            errors.print(message)
            return
        if not tasks:
            progress.start()
        stage = message.split(" ", 1)[0]
        if stage not in tasks:
            tasks[stage] = progress.add_task(message, total=total)
        progress.update(tasks[stage], description=message, completed=done, total=total)

    try:
        yield update
    finally:
        if tasks:
            progress.stop()


@contextmanager
def steps() -> Iterator[Callable[[str], None]]:
    """A spinner with the current step on stderr, for work whose length is not known."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )
    task = progress.add_task("starting", total=None)
    with progress:
        yield lambda message: progress.update(task, description=message)
