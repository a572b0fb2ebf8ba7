"""The reference lists bilat ships (countries, statuses, programme parts, US places).

They are data, not code: semicolon-separated files in `reference/`, each with its source in
`data/README.md`, read once and kept.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of `reference/<name>.csv` as dictionaries keyed by header."""
    text = resources.files("bilat.cordis").joinpath("reference", f"{name}.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines(), delimiter=";"))


def names() -> list[str]:
    """Every reference list shipped with bilat."""
    folder = resources.files("bilat.cordis").joinpath("reference")
    return sorted(
        item.name.removesuffix(".csv") for item in folder.iterdir() if item.name.endswith(".csv")
    )
