"""Several countries side by side: the same figures for each, one column per country.

A comparison is not an aggregate: `country=US,CA` adds the two countries up (that is what the
indicators do with a list), while a comparison computes every indicator once per country and
puts the answers next to each other. Each column is the registered indicators' own answer for
that country under the same filters, so a column always equals the country's profile.

A country that is valid but has no participation under the filters (Antarctica, or any
country with a programme not loaded) gets a column that says so: its cells are missing, never
zero. Within a country that has participations, a role or part it does not hold is a true 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from bilat.errors import ParameterError
from bilat.indicators import breakdowns, participation
from bilat.indicators.filters import GROUPS, Values, parse_countries, strings
from bilat.indicators.scope import Filters, Scope, parse_subject, resolve
from bilat.warehouse.store import Warehouse

# More columns than this stop being readable side by side (and cost a query each).
MAX_COUNTRIES = 12
# Programme parts shown: the parts most important to any of the countries compared.
TOP_PARTS = 10
THREADS = 4
Number = int | float | None

# Headline measures, in the order of the page, with their titles.
HEADLINE = (
    ("participations", "Participations"),
    ("funded_participations", "Funded participations"),
    ("organisations", "Organisations"),
    ("projects", "Projects"),
    ("coordinated_projects", "Projects coordinated"),
    ("ec_contribution", "EU contribution (EUR)"),
    ("share_participations", "Share of all participations"),
    ("share_ec_contribution", "Share of all EU contribution"),
)
# The measure column of a download, in words (every measure a block holds).
MEASURE_TITLES = {
    "participations": "participations",
    "funded_participations": "funded participations",
    "organisations": "organisations",
    "projects": "projects",
    "coordinated_projects": "projects coordinated",
    "ec_contribution": "EU contribution (EUR)",
    "share": "share of the country's participations",
    "share_participations": "share of all participations",
    "share_ec_contribution": "share of all EU contribution",
}
MONEY = frozenset({"ec_contribution"})
# Shares keep four significant digits: 0.8603 (86.03%), 0.0001785 (0.018%).
SHARE_DIGITS = 4


@dataclass(frozen=True)
class Column:
    """One country (or group) compared: its code as given, its name, its participations."""

    code: str
    label: str
    participations: int

    @property
    def has_data(self) -> bool:
        return self.participations > 0


@dataclass(frozen=True)
class Row:
    """One figure for every column: `values[i]` belongs to `Comparison.columns[i]`."""

    item: str
    measure: str
    values: tuple[Number, ...]
    incomplete: bool = False  # a year still being signed at the snapshot date


@dataclass(frozen=True)
class Block:
    """A group of rows shown as one table: the headline, by role, the trend..."""

    name: str
    title: str
    indicator: str  # the registered indicator its figures come from
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Comparison:
    """The countries compared, the filters, and the blocks of figures."""

    columns: tuple[Column, ...]
    scope: Scope  # the filters, and the programmes the figures cover
    blocks: tuple[Block, ...]

    @property
    def filters(self) -> Filters:
        return self.scope.filters

    @property
    def empty(self) -> bool:
        """No country compared has a participation under the filters."""
        return not any(column.has_data for column in self.columns)

    def table(self) -> pa.Table:
        """Every figure as one table to download: block, item, measure, whether the year is
        complete, then one column per country (missing where the country has no
        participation under the filters).

        A country's column mixes counts, amounts and shares, so Arrow holds it as floating
        point; the figures are `typed`, and the CSV, JSON and XLSX writers give a whole
        number as an integer (866, never 866.0)."""
        rows = [
            {
                "block": block.title,
                "item": row.item,
                "measure": MEASURE_TITLES.get(row.measure, row.measure),
                "complete": not row.incomplete,
                **{c.code: value for c, value in zip(self.columns, row.values, strict=True)},
            }
            for block in self.blocks
            for row in block.rows
        ]
        schema = pa.schema(
            [("block", pa.string()), ("item", pa.string()), ("measure", pa.string())]
            + [("complete", pa.bool_())]
            + [(column.code, pa.float64()) for column in self.columns]
        )
        about = {
            "title": "Countries compared: " + ", ".join(c.label for c in self.columns),
            "definition": (
                "The headline figures, the programmes, roles, organisation types, most "
                "important programme parts and the trend per year of each country, computed "
                "for each country separately under the same filters (one column per country, "
                "not added up). A column is empty where the country has no participation "
                "under the filters. complete is false for the years still being signed at "
                "the snapshot date; a year barely begun has no figures (empty), not 0."
            ),
            "filters": self.filters.describe(),
        }
        return pa.Table.from_pylist(rows, schema=schema).replace_schema_metadata(about)


def parse_list(warehouse: Warehouse, values: Values) -> tuple[str, ...]:
    """The countries to compare, each its own column: codes, ISO codes, names or a group,
    given as repeated values or one comma-separated list; repeats dropped.

    A value that is itself a country (a name holding a comma) is one country; otherwise it is
    read as a comma-separated list. An unknown value is refused naming it.
    """
    found: list[str] = []
    for value in strings(values):
        pieces = (value,) if _one(warehouse, value) else strings(value.split(","))
        for piece in pieces:
            if piece.upper() in GROUPS:
                found.append(piece.upper())
                continue
            try:
                found.extend(parse_countries(warehouse, (piece,)))
            except ParameterError as error:
                message = str(error).removeprefix(f"{error.parameter}: ")
                raise ParameterError("countries", message) from None
    chosen = tuple(dict.fromkeys(found))
    if not chosen:
        raise ParameterError(
            "countries", "name at least one country to compare, e.g. countries=US,CA,JP,CN"
        )
    if len(chosen) > MAX_COUNTRIES:
        raise ParameterError(
            "countries",
            f"{len(chosen)} countries given; compare at most {MAX_COUNTRIES} at once",
        )
    return chosen


def _one(warehouse: Warehouse, value: str) -> bool:
    """Whether `value` names one country or group as it stands."""
    if "," not in value:
        return True
    try:
        return len(parse_countries(warehouse, (value,))) == 1
    except ParameterError:
        return False


def compare(warehouse: Warehouse, countries: Values, /, **filters: Values) -> Comparison:
    """Compare `countries` (see `parse_list`) under the indicators' filters (all but country).

    >>> # compare(warehouse, "US,CA,JP,CN", programme="HE")  # four columns, never added up
    """
    if "country" in filters:
        raise ParameterError("country", "a comparison takes its countries from `countries`")
    codes = parse_list(warehouse, countries)
    scope = resolve(warehouse, **filters)
    several = len(scope.programmes) > 1
    wanted = [(code, name) for code in codes for name in _INDICATORS]

    def compute(job: tuple[str, str]) -> pa.Table:
        code, name = job
        return _INDICATORS[name](warehouse, country=code, **filters)

    with ThreadPoolExecutor(THREADS) as pool:
        tables = dict(zip(wanted, pool.map(compute, wanted), strict=True))
    per = [{name: tables[(code, name)] for name in _INDICATORS} for code in codes]
    total = "ALL" if several else None
    columns = tuple(
        Column(code, _label(warehouse, code), _participations(found["headline"], total))
        for code, found in zip(codes, per, strict=True)
    )
    blocks = [
        _headline(columns, per, total),
        *([_programmes(columns, per, scope.programmes)] if several else []),
        _breakdown("by_role", "By role", columns, per, total, "title"),
        _breakdown("by_organisation_type", "By organisation type", columns, per, total, "title"),
        _breakdown(
            "by_programme_part",
            "Most important programme parts",
            columns,
            per,
            total,
            "programme_part",
            top=TOP_PARTS,
        ),
        _trend(columns, per),
    ]
    return Comparison(columns, scope, tuple(blocks))


_INDICATORS: dict[str, Callable[..., pa.Table]] = {
    "headline": participation.headline,
    "series": participation.series,
    "by_role": breakdowns.by_role,
    "by_organisation_type": breakdowns.by_organisation_type,
    "by_programme_part": breakdowns.by_programme_part,
}


def _label(warehouse: Warehouse, code: str) -> str:
    return parse_subject(warehouse, code).label


def _participations(headline: pa.Table, programme: str | None) -> int:
    """The country's participations under the filters (0 when the filters leave no row)."""
    rows = _pick(headline, programme)
    return int(rows[0].get("participations") or 0) if rows else 0


def _pick(table: pa.Table, programme: str | None) -> list[dict[str, Any]]:
    """The rows of one programme (`ALL` when several are compared), else every row."""
    found = table.to_pylist()
    return [row for row in found if programme is None or row.get("programme") == programme]


def typed(measure: str, value: Number) -> Number:
    """A figure as every output gives it: a count as an integer (866, never 866.0), an
    amount in euros to the cent, a share to `SHARE_DIGITS` significant digits.

    >>> typed("participations", 866.0), typed("ec_contribution", 6131321.004)
    (866, 6131321.0)
    >>> typed("share", 0.8602771362586605), typed("share_participations", 0.0001785083970574)
    (0.8603, 0.0001785)
    """
    if value is None:
        return None
    if measure in MONEY:
        return round(float(value), 2)
    if measure.startswith("share"):
        return float(f"{float(value):.{SHARE_DIGITS}g}")
    return int(value)


# Measures that are sums of amounts CORDIS may leave empty (an associated partner's EU
# contribution), and the shares of such sums: missing when every amount summed is missing.
SUMS_OF_AMOUNTS = frozenset({"ec_contribution", "share_ec_contribution"})


def _values(
    measure: str,
    columns: Sequence[Column],
    figures: Sequence[Number],
    *,
    known: bool = True,
    rows: Sequence[dict[str, Any]] = (),
) -> tuple[Number, ...]:
    """The figures of `measure`, missing for a column without data (never 0 for what is not
    there); a figure a country's rows lack is 0 when the rows are `known` whole (a role it
    does not hold), else missing (a year barely begun). A sum of amounts that a country's
    row (of `rows`) holds as missing stays missing: its amounts are all empty in CORDIS."""
    empty = [
        measure in SUMS_OF_AMOUNTS and bool(row) and row.get(measure) is None for row in rows
    ] or [False] * len(columns)
    return tuple(
        typed(measure, 0 if figure is None and known and not unknown else figure)
        if column.has_data
        else None
        for column, figure, unknown in zip(columns, figures, empty, strict=True)
    )


def _headline(
    columns: Sequence[Column], per: Sequence[dict[str, pa.Table]], total: str | None
) -> Block:
    rows = [(_pick(found["headline"], total) or [{}])[0] for found in per]
    return Block(
        "headline",
        "Headline figures",
        "headline",
        tuple(
            Row(
                title,
                measure,
                _values(measure, columns, [_number(row.get(measure)) for row in rows], rows=rows),
            )
            for measure, title in HEADLINE
        ),
    )


def _programmes(
    columns: Sequence[Column], per: Sequence[dict[str, pa.Table]], programmes: Sequence[str]
) -> Block:
    rows: list[Row] = []
    for programme in programmes:
        found = [(_pick(f["headline"], programme) or [{}])[0] for f in per]
        for measure in ("participations", "ec_contribution", "share_participations"):
            figures = [_number(row.get(measure)) for row in found]
            values = _values(measure, columns, figures, rows=found)
            rows.append(Row(programme, measure, values))
    return Block("by_programme", "By programme", "headline", tuple(rows))


def _breakdown(
    name: str,
    title: str,
    columns: Sequence[Column],
    per: Sequence[dict[str, pa.Table]],
    total: str | None,
    key: str,
    *,
    top: int | None = None,
) -> Block:
    """Participations and each country's share of its own total, per value of `key`."""
    found = [
        {str(row[key]): row for row in _pick(f[name], total) if row.get(key) is not None}
        for f in per
    ]
    weight: dict[str, float] = {}
    for rows in found:
        for item, row in rows.items():
            weight[item] = weight.get(item, 0.0) + float(row.get("share") or 0.0)
    items = sorted(weight, key=lambda item: (-weight[item], item))[:top]
    out: list[Row] = []
    for item in items:
        for measure in ("participations", "share"):
            figures = [_number(rows.get(item, {}).get(measure)) for rows in found]
            out.append(Row(item, measure, _values(measure, columns, figures)))
    return Block(name, title, name, tuple(out))


def _trend(columns: Sequence[Column], per: Sequence[dict[str, pa.Table]]) -> Block:
    found = [{(r["programme"], r["year"]): r for r in f["series"].to_pylist()} for f in per]
    keys = sorted({key for rows in found for key in rows}, key=lambda k: (k[1], k[0]))
    out = []
    for programme, year in keys:
        rows = [table.get((programme, year), {}) for table in found]
        complete = all(row.get("complete", True) for row in rows)
        figures = [_number(row.get("participations")) for row in rows]
        out.append(
            Row(
                f"{programme} {year}",
                "participations",
                _values("participations", columns, figures, known=complete),
                not complete,
            )
        )
    return Block("series", "Trend per year", "series", tuple(out))


def _number(value: object) -> Number:
    if value is None or isinstance(value, int | float):
        return value
    return float(str(value))
