"""The observatory filters, declared once: name, label, help, accepted values, parser.

Indicators, listings, the web form and its links, the JSON API and the CLI all offer the same
filters. Each one is declared here; `scope.resolve` parses with these parsers, the web form and
the CLI options are generated from this list, and the API's schema (which ninja needs written
out) is checked against it by a test, so no front end can drift from the others.

Several values are given as repeated parameters (`?programme_part=A&programme_part=B`, click's
`multiple=True`, a Python sequence) because some values hold commas: "Climate, Energy and
Mobility". A string that is not itself an accepted value is still read as the older
comma-separated list (`programme=FP7,H2020`, `country=US,CA`), so old links keep working.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bilat.cordis import schemes
from bilat.cordis.programme_parts import PROGRAMMES
from bilat.cordis.reference import rows
from bilat.cordis.roles import ACTIVITY_TYPES, ROLE_TITLES
from bilat.errors import ParameterError
from bilat.warehouse.store import Warehouse

# A parameter as callers give it: one value, a sequence of values, or nothing.
Values = str | Sequence[str] | None
Lookup = Callable[[str], Sequence[str] | None]

GROUPS = {
    "EU": ("member_state", "EU member states"),
    "ASSOCIATED": ("associated", "Countries associated to the programme"),
    "THIRD": ("third_country", "Third countries (not associated)"),
}
_PROGRAMME_ALIASES = {
    "FP7": "FP7",
    "H2020": "H2020",
    "HORIZON 2020": "H2020",
    "HORIZON2020": "H2020",
    "HE": "HE",
    "HORIZON EUROPE": "HE",
    "HORIZON-EUROPE": "HE",
    "HORIZON": "HE",
}
# Call years a filter may name: the first framework programme began in 1984; anything outside
# this span is a typing mistake, refused with a message rather than sent to the database.
FIRST_YEAR, LAST_YEAR = 1984, 2099


@dataclass(frozen=True)
class Filter:
    """One filter as every front end offers it.

    `name` is the keyword, the query parameter and the API field; `flag` the CLI option;
    `choices` the closed list of (value, label) a form offers, None for free text; `many`
    whether several values may be given; `parse` turns the given strings into what a
    `scope.Scope` holds, raising ParameterError with what is accepted.
    """

    name: str
    label: str
    help: str
    flag: str
    parse: Callable[[Warehouse, tuple[str, ...]], Any]
    choices: Callable[[], list[tuple[str, str]]] | None = None
    many: bool = True
    placeholder: str = ""
    width: int = 9  # characters of a free-text box in the form


def strings(given: Values) -> tuple[str, ...]:
    """The non-blank values given, stripped; a single string is one value.

    >>> strings(None), strings(' HE '), strings(['FP7', '', 'H2020'])
    ((), ('HE',), ('FP7', 'H2020'))
    """
    if given is None:
        return ()
    items = [given] if isinstance(given, str) else list(given)
    return tuple(item.strip() for item in items if item and item.strip())


def read(query: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The filters present in a query string (every repeated value) or a plain mapping."""
    getlist = getattr(query, "getlist", None)
    found = {}
    for spec in FILTERS:
        values = strings(getlist(spec.name) if getlist else query.get(spec.name))
        if values:
            found[spec.name] = values
    return found


def _listed(
    parameter: str, lookup: Lookup, unknown: Callable[[str], str]
) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """A parser of the values `lookup` finds for each given string, without repeats.

    A string that is not a value but holds commas is read as a comma-separated list.
    """

    def find(value: str) -> Sequence[str]:
        matched = lookup(value)
        if matched is None:
            raise ParameterError(parameter, unknown(value))
        return matched

    def parse(given: Sequence[str]) -> tuple[str, ...]:
        found: list[str] = []
        for value in given:
            matched = lookup(value)
            if matched is None and "," in value:
                matched = [m for piece in strings(value.split(",")) for m in find(piece)]
            found.extend(find(value) if matched is None else matched)
        return tuple(dict.fromkeys(found))

    return parse


def _closed(parameter: str, accepted: Sequence[str]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """Values matched case-insensitively against a closed list."""
    by_folded = {value.casefold(): value for value in accepted}
    return _listed(
        parameter,
        lambda value: [by_folded[value.casefold()]] if value.casefold() in by_folded else None,
        lambda value: f"{value!r} is not accepted; use one of {', '.join(accepted)}",
    )


def parse_programmes(values: Values) -> tuple[str, ...]:
    """FP7, H2020 or HE (also 'Horizon 2020', 'Horizon Europe'), in programme order.

    >>> parse_programmes('horizon europe, fp7'), parse_programmes(['HE', 'H2020'])
    (('FP7', 'HE'), ('H2020', 'HE'))
    """
    codes = _listed(
        "programme",
        lambda value: [code] if (code := _PROGRAMME_ALIASES.get(value.upper())) else None,
        lambda value: (
            f"{value!r} is not a programme; use FP7, H2020 (Horizon 2020) or HE (Horizon Europe)"
        ),
    )(strings(values))
    return tuple(p for p in PROGRAMMES if p in codes)


def parse_years(values: Values) -> tuple[int | None, int | None]:
    """A year range: '2021', '2014-2020', '2018-' or '-2016' (inclusive).

    >>> parse_years('2014-2020'), parse_years('2021'), parse_years('-2016')
    ((2014, 2020), (2021, 2021), (None, 2016))
    """
    given = strings(values)
    if not given:
        return None, None
    if len(given) > 1:
        raise ParameterError("years", f"give one year range, not {len(given)}")
    (years,) = given
    match = re.fullmatch(r"(\d{4})?\s*(-)?\s*(\d{4})?", years)
    if match is None or not (match[1] or match[3]) or (match[2] is None and match[3]):
        raise ParameterError(
            "years", f"{years!r} is not a year range; write 2021, 2014-2020, 2018- or -2016"
        )
    first = int(match[1]) if match[1] else None
    last = int(match[3]) if match[3] else (None if match[2] else first)
    for year in (first, last):
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise ParameterError(
                "years", f"{year} is out of range; use years from {FIRST_YEAR} to {LAST_YEAR}"
            )
    if first is not None and last is not None and first > last:
        raise ParameterError("years", f"{years!r} ends before it starts")
    return first, last


def _part_names() -> list[str]:
    return sorted({row["part"] for row in rows("programme_parts")})


def parse_parts(values: Values) -> tuple[str, ...]:
    """Programme parts by code (HORIZON.1.2, H2020-EU.3.1) or name (MSCA, Health).

    A name matches the part in every programme that has it (MSCA in H2020 and HE).

    >>> parse_parts(['Climate, Energy and Mobility', 'HORIZON.1.2'])
    ('HORIZON.2.5', 'HORIZON.1.2')
    """

    def lookup(value: str) -> list[str] | None:
        folded = value.casefold().rstrip(".")
        codes = [
            row["prefix"]
            for row in rows("programme_parts")
            if folded in (row["prefix"].casefold(), row["part"].casefold())
        ]
        return codes or None

    return _listed(
        "programme_part",
        lookup,
        lambda value: (
            f"{value!r} is not a programme part; use a legal-basis code such as "
            f"HORIZON.1.2 or a name: {', '.join(_part_names())}"
        ),
    )(strings(values))


# The reference list of countries, read once per warehouse file (`Warehouse.lookup`).
COUNTRIES = "SELECT cordis_code, iso_code, name FROM countries ORDER BY 1"
# Each warehouse content's countries by every name they go by, and their names: built once
# per content (every indicator call parses a country, and building these cost more than the
# parsing itself). The country table is reference data, like `Warehouse.lookup`'s.
_COUNTRY_KEYS: dict[object, tuple[dict[str, str], dict[str, str]]] = {}


def _country_keys(warehouse: Warehouse) -> tuple[dict[str, str], dict[str, str]]:
    """CORDIS code by casefolded ISO code, name and CORDIS code; name by CORDIS code."""
    content = (warehouse.path, warehouse.generation)
    found = _COUNTRY_KEYS.get(content)
    if found is not None:
        return found
    known = warehouse.lookup(COUNTRIES)
    by_key: dict[str, str] = {}
    for row in known:
        for key in (row["iso_code"], row["name"], row["cordis_code"]):
            if isinstance(key, str):
                by_key[key.casefold()] = str(row["cordis_code"])
    names = {str(row["cordis_code"]): str(row["name"] or row["cordis_code"]) for row in known}
    if len(_COUNTRY_KEYS) > 8:
        _COUNTRY_KEYS.clear()
    _COUNTRY_KEYS[content] = (by_key, names)
    return by_key, names


def parse_countries(warehouse: Warehouse, values: Values) -> tuple[str, ...]:
    """Countries by CORDIS code, ISO code or English name, as CORDIS codes; or one group."""
    items = strings(values) or ("US",)
    if len(items) == 1 and items[0].upper() in GROUPS:
        return (items[0].upper(),)
    by_key, names = _country_keys(warehouse)

    def unknown(item: str) -> str:
        close = difflib.get_close_matches(item.casefold(), list(by_key), n=3, cutoff=0.75)
        hint = f" (did you mean {', '.join(names[by_key[c]] for c in close)}?)" if close else ""
        return (
            f"{item!r} is not a known country{hint}; use a CORDIS or ISO code (US, UK or GB, "
            f"EL or GR), an English name, several countries, or a group: {', '.join(GROUPS)}"
        )

    return _listed(
        "country",
        lambda item: [by_key[item.casefold()]] if item.casefold() in by_key else None,
        unknown,
    )(items)


def parse_fields(warehouse: Warehouse, values: Values) -> tuple[str, ...]:
    """EuroSciVoc fields of science by name, at any level of the classification ('natural
    sciences', 'quantum physics'), as the names the warehouse's field paths hold."""
    if not strings(values):
        return ()  # no field asked for: the names are not needed
    known = warehouse.lookup(
        """SELECT DISTINCT unnest(string_split(trim(path, '/'), '/')) AS name
           FROM project_fields WHERE path IS NOT NULL ORDER BY 1"""
    )
    by_folded = {str(row["name"]).casefold(): str(row["name"]) for row in known if row["name"]}

    def unknown(item: str) -> str:
        close = difflib.get_close_matches(item.casefold(), list(by_folded), n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(by_folded[c] for c in close)}?)" if close else ""
        if not by_folded:
            return f"{item!r}: no field of science is loaded (the euroSciVoc table)"
        return (
            f"{item!r} is not a EuroSciVoc field of science loaded{hint}; name a field at any "
            "level, such as natural sciences, physical sciences or quantum physics"
        )

    return _listed(
        "field",
        lambda item: [by_folded[item.casefold()]] if item.casefold() in by_folded else None,
        unknown,
    )(strings(values))


def _without_warehouse(
    parse: Callable[[tuple[str, ...]], Any],
) -> Callable[[Warehouse, tuple[str, ...]], Any]:
    return lambda warehouse, given: parse(given)


FILTERS: tuple[Filter, ...] = (
    Filter(
        "country",
        "Country",
        "Country: CORDIS or ISO code (US, UK or GB) or English name; several countries add up; "
        "or a group: EU, ASSOCIATED, THIRD (default US).",
        "--country",
        parse_countries,
    ),
    Filter(
        "programme",
        "Programme",
        "Framework programme: FP7, H2020 or HE (default: every programme loaded).",
        "--programme",
        _without_warehouse(parse_programmes),
        choices=lambda: list(PROGRAMMES.items()),
    ),
    Filter(
        "years",
        "Years",
        "Start year of the project (else its call year), or a range: 2021, 2014-2020, 2018- "
        f"or -2016 (years {FIRST_YEAR} to {LAST_YEAR}).",
        "--years",
        _without_warehouse(parse_years),
        many=False,
        placeholder="e.g. 2014-2020",
        width=14,  # the placeholder whole, not "e.g. 2014-202"
    ),
    Filter(
        "programme_part",
        "Programme part",
        "Programme part: legal-basis code (HORIZON.1.2) or name (MSCA, "
        "Climate, Energy and Mobility).",
        "--part",
        _without_warehouse(parse_parts),
        choices=lambda: [(name, name) for name in _part_names()],
    ),
    Filter(
        "scheme_group",
        "Scheme group",
        f"Funding-scheme group: {', '.join(schemes.GROUPS)}.",
        "--scheme-group",
        _without_warehouse(_closed("scheme_group", tuple(schemes.GROUPS))),
        choices=lambda: list(schemes.GROUPS.items()),
    ),
    Filter(
        "role",
        "Role",
        "Role in the project: coordinator, participant, associatedPartner, thirdParty, ...",
        "--role",
        _without_warehouse(_closed("role", tuple(ROLE_TITLES))),
        choices=lambda: list(ROLE_TITLES.items()),
    ),
    Filter(
        "organisation_type",
        "Organisation type",
        f"Organisation activity type: {', '.join(ACTIVITY_TYPES)}.",
        "--organisation-type",
        _without_warehouse(_closed("organisation_type", tuple(ACTIVITY_TYPES))),
        choices=lambda: list(ACTIVITY_TYPES.items()),
    ),
    Filter(
        "field",
        "Field of science",
        "EuroSciVoc field of science of the project, at any level of the classification: "
        "natural sciences, physical sciences, quantum physics...",
        "--field",
        parse_fields,
        placeholder="e.g. quantum physics",
        width=18,
    ),
)
BY_NAME = {spec.name: spec for spec in FILTERS}
