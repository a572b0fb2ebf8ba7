"""Options that several commands share, declared once.

The observatory filters (`filter_options`) are the parameters every indicator accepts,
generated from their one declaration in `bilat.indicators.filters`; `bilat indicators` takes
all of them, the monitoring reports the country and the programme.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
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
    """`-o/--output FILE`, with the command's own help saying what goes there. The path is
    checked by `check_output`, not by click, so that a directory gets the same one line."""
    return click.option("-o", "--output", type=click.Path(path_type=Path), help=help)


def deliver(data: bytes, output: Path | None, written: str) -> None:
    """Send what `--format` made to the terminal, or to `--output` with the line `written`
    on the error stream (so that the file's own bytes stay alone on standard output)."""
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    write_output(output, data)
    errors.print(written)


# Every kind of file a bilat command writes, by its extension: an `-o` ending in one of them
# says what the user expects in it, so a `--format` saying another is a contradiction.
FILE_FORMATS = ("csv", "json", "xlsx", "parquet", "pdf", "html")


def output_format(
    output: Path | None,
    given: str | None,
    formats: Sequence[str],
    default: str,
    *,
    printable: Sequence[str] = (),
) -> str:
    """The format a command writes: `--format` if given, else the extension of `-o`, else
    `default` (the terminal's table, or a report's PDF); without `-o`, a format not
    `printable` on the terminal is refused when the command prints. An `-o` was silently ignored or
    filled with another format before; now an extension the command cannot write, or one
    that contradicts `--format`, stops it with one line naming the formats it can write."""
    names = ", ".join(f".{name}" for name in formats)
    if output is None:
        if printable and given is not None and given not in printable:
            raise click.UsageError(f"--format {given} writes a file: add --output FILE.{given}")
        return given or default
    extension = output.suffix.lower().lstrip(".")
    if given is None:
        if extension in formats:
            return extension
        named = f"the extension .{extension}" if extension else "no extension"
        raise click.ClickException(
            f"{output}: {named} says no format this command writes; name the file "
            f"{names} or give --format"
        )
    if given not in formats:  # the terminal's table
        raise click.ClickException(
            f"{output}: --format {given} prints to the terminal; a file is written as {names}"
        )
    if extension in FILE_FORMATS and extension != given:
        raise click.ClickException(
            f"{output}: --format {given} contradicts the extension .{extension}; "
            "give one or the other"
        )
    return given


def check_output(path: Path) -> None:
    """Stop with one line naming `path` and why it cannot be written (no such folder,
    permission denied, a directory), before a command spends time making its content."""
    if path.is_dir():
        raise click.ClickException(f"{path}: cannot write it: it is a directory")
    folder = path.parent
    if not folder.exists():
        raise click.ClickException(f"{path}: cannot write it: no such folder {folder}")
    if not folder.is_dir():
        raise click.ClickException(f"{path}: cannot write it: {folder} is not a folder")
    try:  # the only true test of permission (root passes `os.access` on a read-only mount)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{path.name}.", suffix=".probe"):
            pass
    except OSError as error:
        raise _unwritable(path, error) from error


def write_output(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: into a hidden file beside it, then
    renamed over it, so that a failure leaves no partial file (and any old one as it was)."""
    check_output(path)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    partial = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        partial.chmod(0o666 & ~_umask())  # as `open` would have made it, not mkstemp's 0600
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise _unwritable(path, error) from error


def check_output_folder(path: Path) -> None:
    """Create the folder `path` a command writes its files into, or stop with one line
    naming it and why it cannot be (a file of that name, permission denied)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:
        raise click.ClickException(f"{path}: cannot write into it: not a folder") from error
    except OSError as error:
        raise click.ClickException(
            f"{path}: cannot write into it: {(error.strerror or str(error)).lower()}"
        ) from error


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _unwritable(path: Path, error: OSError) -> click.ClickException:
    reason = {
        PermissionError: "permission denied",
        IsADirectoryError: "it is a directory",
        FileNotFoundError: f"no such folder {path.parent}",
    }.get(type(error), (error.strerror or str(error)).lower())
    return click.ClickException(f"{path}: cannot write it: {reason}")


# What the commands with `table_output_options` can print on the terminal without `-o`.
PRINTABLE = ("table", "csv", "json")


def table_output_options(command: F) -> F:
    """`--format table|csv|json|xlsx|parquet` and `-o/--output FILE`, for the commands that
    print a table or write it through the export writers."""
    command = output_option(
        "Write to this file instead of the terminal, in the format of its extension "
        "(.csv, .json, .xlsx, .parquet) unless --format says it (required for xlsx)."
    )(command)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", *exports.FORMATS]),
        help="Default: table on the terminal, or the extension of --output.",
    )(command)
