"""Error classes shared by every layer.

The library raises these; the CLI turns them into messages and exit codes, the web layer into
HTTP statuses. Each message names what the user has to look at (file, line, column).
"""

from __future__ import annotations

from collections.abc import Iterable


class BilatError(Exception):
    """Root of every error bilat raises on purpose."""


class InputFileError(ValueError, BilatError):
    """An input file cannot be used as a whole (unreadable, truncated, missing column)."""


class UnknownFormatError(InputFileError):
    """A file's header matches none of the CORDIS formats bilat knows."""


class ProgrammeUndeterminedError(InputFileError):
    """The framework programme of a file cannot be told from its content."""


class ReplaceRefusedError(InputFileError):
    """New files would remove most of what a programme's table holds, or are older than what
    is loaded; nothing was changed unless the user says `--replace`."""


class WarehouseMissingError(BilatError):
    """No warehouse has been built at the configured path yet."""


class WarehouseOutdatedError(WarehouseMissingError):
    """The warehouse was built by an earlier bilat whose derived tables differ."""


class ParameterError(ValueError, BilatError):
    """A parameter of a query (country, programme, filter value, option) is not accepted.

    The message lists what is accepted; the web layer answers it with 400.
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


class UnknownIndicatorError(ParameterError):
    """No indicator has the name asked for."""


class CoordinationError(ValueError, BilatError):
    """A change the coordination data refuses (a duplicate registration, a full event, an
    end before the start...). Nothing was changed; `field` names what to correct."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# What newsletters, social networks and ads add to a link they pass on (a shared link to
# /events/ comes back as /events/?utm_source=newsletter&fbclid=...): read by no page, and
# never the visitor's mistake, so never refused.
_DECORATIONS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid"})


def _decoration(name: str) -> bool:
    """Whether a query parameter is one that links pick up on the way (never refused)."""
    return name.startswith("utm_") or name in _DECORATIONS


def first_unknown(given: Iterable[str], accepted: Iterable[str]) -> str | None:
    """The first parameter of `given` that is not `accepted` (nor a link's decoration): what
    the pages and the API refuse rather than ignore and answer as if it had filtered (`?type=`
    for the events' `kind`, `organization_type`)."""
    reads = set(accepted)
    return next((name for name in given if name not in reads and not _decoration(name)), None)


def refuse_unknown(given: Iterable[str], accepted: Iterable[str]) -> None:
    """Refuse the first unknown parameter of `given` (see `first_unknown`) with a
    ParameterError naming it and what is read."""
    reads = list(accepted)
    name = first_unknown(given, reads)
    if name is not None:
        use = f"use {', '.join(reads)}" if reads else "it reads none"
        raise ParameterError(name, f"this page has no such parameter; {use}")
