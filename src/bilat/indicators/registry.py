"""The one list of indicators, each with its definition, caveats and options.

An indicator is a function `(warehouse, scope, options) -> Arrow table` registered with what a
reader needs to trust the number: a title, a unit, a one-sentence definition and its caveats.
The CLI, the API, the web pages, the reports and the README all read this registry, so a
definition is written once and travels with every figure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pyarrow as pa

from bilat.errors import ParameterError, UnknownIndicatorError
from bilat.indicators.filters import BY_NAME
from bilat.indicators.numbers import whole_number
from bilat.indicators.scope import Scope, resolve
from bilat.warehouse.store import Warehouse

Compute = Callable[[Warehouse, Scope, Mapping[str, Any]], pa.Table]


@dataclass(frozen=True)
class Option:
    """A parameter particular to one indicator (how many rows, which order, which peers)."""

    name: str
    default: int | str
    help: str
    choices: tuple[str, ...] = ()
    maximum: int | None = None  # of a whole-number option (else its default is the maximum)

    def parse(self, value: object) -> int | str:
        """The value checked against the option's type, choices and bounds."""
        if value is None:
            return self.default
        if isinstance(self.default, int):
            return whole_number(self.name, value, maximum=self.maximum or self.default)
        text = str(value)
        if self.choices and text not in self.choices:
            raise ParameterError(
                self.name, f"{text!r} is not accepted; use one of {', '.join(self.choices)}"
            )
        return text


@dataclass(frozen=True)
class Indicator:
    """A registered indicator; call it like a function to compute it."""

    # Templates read its attributes; they must not call it.
    do_not_call_in_templates: ClassVar[bool] = True
    name: str
    title: str
    unit: str
    definition: str
    caveats: tuple[str, ...]
    compute: Compute
    options: tuple[Option, ...] = ()

    def __call__(self, warehouse: Warehouse, /, **params: Any) -> pa.Table:
        """Compute the indicator; the table's metadata carries its definition and scope.

        Parameters named in `filters.FILTERS` (country, programme, years, ...) filter the
        data; the others are the indicator's own options.
        """
        given = {name: value for name, value in params.items() if name in BY_NAME}
        options = {name: value for name, value in params.items() if name not in BY_NAME}
        return self.within(warehouse, resolve(warehouse, **given), **options)

    def within(self, warehouse: Warehouse, scope: Scope, /, **options: Any) -> pa.Table:
        """The indicator for a scope already resolved: a page of many indicators under the
        same filters checks them once."""
        table = self.compute(warehouse, scope, self.parse_options(options))
        # What the computation said of its own figures (why some are missing) is kept.
        own = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
        return table.replace_schema_metadata(own | self.metadata(scope))

    def parse_options(self, given: Mapping[str, object]) -> dict[str, Any]:
        """Each option's value, checked; unknown option names are refused."""
        known = {option.name: option for option in self.options}
        unknown = sorted(set(given) - set(known))
        if unknown:
            accepted = ", ".join(known) or "none"
            raise ParameterError(
                unknown[0], f"not an option of {self.name} (its options: {accepted})"
            )
        return {name: option.parse(given.get(name)) for name, option in known.items()}

    def metadata(self, scope: Scope) -> dict[str, str]:
        """What an export needs to say what the numbers are."""
        return {
            "indicator": self.name,
            "title": self.title,
            "unit": self.unit,
            "definition": self.definition,
            "caveats": json.dumps(list(self.caveats)),
            "country": scope.subject.label,
            "countries": ",".join(scope.subject.countries),
            "programmes": ", ".join(scope.programmes),
            "filters": scope.filters.describe(),
        }


REGISTRY: dict[str, Indicator] = {}


def indicator(
    *,
    title: str,
    unit: str,
    definition: str,
    caveats: tuple[str, ...] = (),
    options: tuple[Option, ...] = (),
) -> Callable[[Compute], Indicator]:
    """Register the decorated computation under its function name."""

    def register(compute: Compute) -> Indicator:
        name = compute.__name__
        if name in REGISTRY:
            raise ValueError(f"indicator {name} is registered twice")
        REGISTRY[name] = Indicator(name, title, unit, definition, caveats, compute, options)
        return REGISTRY[name]

    return register


def get(name: str) -> Indicator:
    """The indicator called `name`, or an error listing them all."""
    try:
        return REGISTRY[name.replace("-", "_")]
    except KeyError:
        raise UnknownIndicatorError(
            "indicator", f"{name!r} is not an indicator; use one of {', '.join(REGISTRY)}"
        ) from None


def markdown() -> str:
    """The reference of every indicator, as the README shows it."""
    lines = [
        "| indicator | what it measures | unit | options |",
        "|---|---|---|---|",
    ]
    for item in REGISTRY.values():
        options = ", ".join(f"`{o.name}` (default {o.default})" for o in item.options)
        lines.append(
            f"| `{item.name}` | **{item.title}.** {item.definition} | {item.unit} | "
            f"{options or '—'} |"
        )
    lines.append("")
    lines.append("Caveats, as each table carries them:")
    lines.append("")
    seen: dict[str, list[str]] = {}
    for item in REGISTRY.values():
        for caveat in item.caveats:
            seen.setdefault(caveat, []).append(item.name)
    for caveat, names in seen.items():
        who = "all" if len(names) == len(REGISTRY) else ", ".join(f"`{n}`" for n in names)
        lines.append(f"- {caveat} ({who})")
    return "\n".join(lines) + "\n"
