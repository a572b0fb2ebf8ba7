"""What an indicator is computed for: the subject (a country or group) and the filters.

Every indicator takes the same parameters, parsed and checked here once, so that a wrong value
gets the same clear message from the CLI, the API and Python: what was given and what is
accepted. Countries are accepted by CORDIS code (UK, EL), ISO code (GB, GR) or English name;
groups by status, which is read per programme (the UK is a member state in H2020 and an
associated country in Horizon Europe).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bilat.cordis import schemes
from bilat.cordis.programme_parts import PROGRAMMES
from bilat.cordis.reference import rows
from bilat.cordis.roles import ACTIVITY_TYPES, ROLES
from bilat.errors import ParameterError
from bilat.warehouse.store import Warehouse

# A parameter as callers give it: one value, a comma-separated string, or a sequence.
Values = str | Sequence[str] | None

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


@dataclass(frozen=True)
class Subject:
    """A country, a list of countries, or a status group; `countries` holds CORDIS codes."""

    label: str
    countries: tuple[str, ...] = ()
    status: str | None = None

    def condition(self) -> tuple[str, dict[str, object]]:
        """A null-safe SQL condition on `country` / `country_status` columns."""
        if self.status is not None:
            return "COALESCE(country_status = $subject_status, false)", {
                "subject_status": self.status
            }
        return "COALESCE(list_contains($subject_countries, country), false)", {
            "subject_countries": list(self.countries)
        }


@dataclass(frozen=True)
class Filters:
    """Filters shared by all indicators; empty means no restriction."""

    programmes: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    programme_parts: tuple[str, ...] = ()
    scheme_groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    organisation_types: tuple[str, ...] = ()

    def project_condition(self) -> tuple[str, dict[str, object]]:
        """Conditions on the project of a participation (programme, year, part, scheme)."""
        parts: list[str] = []
        params: dict[str, object] = {}
        for column, key, values in (
            ("programme", "f_programmes", self.programmes),
            ("programme_part_code", "f_parts", self.programme_parts),
            ("scheme_group", "f_schemes", self.scheme_groups),
        ):
            if values:
                parts.append(f"COALESCE(list_contains(${key}, {column}), false)")
                params[key] = list(values)
        if self.year_from is not None:
            parts.append("year >= $f_year_from")
            params["f_year_from"] = self.year_from
        if self.year_to is not None:
            parts.append("year <= $f_year_to")
            params["f_year_to"] = self.year_to
        return " AND ".join(parts) or "true", params

    def participation_condition(self) -> tuple[str, dict[str, object]]:
        """Conditions on the participation itself (role, organisation type)."""
        parts: list[str] = []
        params: dict[str, object] = {}
        if self.roles:
            parts.append("COALESCE(list_contains($f_roles, role), false)")
            params["f_roles"] = list(self.roles)
        if self.organisation_types:
            parts.append("COALESCE(list_contains($f_types, activity_type), false)")
            params["f_types"] = list(self.organisation_types)
        return " AND ".join(parts) or "true", params

    def describe(self) -> str:
        """The filters in words, for table captions and exports."""
        words = []
        if self.programmes:
            words.append("programme " + ", ".join(self.programmes))
        if self.year_from is not None or self.year_to is not None:
            words.append(f"years {self.year_from or '…'} to {self.year_to or '…'}")
        for name, values in (
            ("programme part", self.programme_parts),
            ("scheme group", self.scheme_groups),
            ("role", self.roles),
            ("organisation type", self.organisation_types),
        ):
            if values:
                words.append(f"{name} {', '.join(values)}")
        return "; ".join(words) or "no filters"


@dataclass(frozen=True)
class Scope:
    """A resolved subject with its filters, and the programmes the answer covers."""

    subject: Subject
    filters: Filters = field(default_factory=Filters)
    programmes: tuple[str, ...] = ()

    def where(self) -> tuple[str, dict[str, object]]:
        """Project and participation filters together (not the subject)."""
        project, params = self.filters.project_condition()
        participation, more = self.filters.participation_condition()
        return f"{project} AND {participation}", params | more


def resolve(
    warehouse: Warehouse,
    *,
    country: Values = "US",
    programme: Values = None,
    years: str | tuple[int | None, int | None] | None = None,
    programme_part: Values = None,
    scheme_group: Values = None,
    role: Values = None,
    organisation_type: Values = None,
) -> Scope:
    """Check and normalise every parameter; raise ParameterError naming what is accepted."""
    loaded = tuple(
        row["programme"]
        for row in warehouse.lookup(
            "SELECT DISTINCT programme FROM participation_facts ORDER BY programme"
        )
    )
    programmes = parse_programmes(programme)
    year_from, year_to = parse_years(years)
    filters = Filters(
        programmes=programmes,
        year_from=year_from,
        year_to=year_to,
        programme_parts=parse_parts(programme_part),
        scheme_groups=_choose("scheme_group", scheme_group, tuple(schemes.GROUPS)),
        roles=_choose("role", role, ROLES),
        organisation_types=_choose("organisation_type", organisation_type, tuple(ACTIVITY_TYPES)),
    )
    covered = tuple(p for p in PROGRAMMES if p in loaded and (not programmes or p in programmes))
    return Scope(parse_subject(warehouse, country), filters, covered)


def _split(values: Values) -> list[str]:
    if values is None:
        return []
    items = values.split(",") if isinstance(values, str) else list(values)
    return [item.strip() for item in items if item and item.strip()]


def _choose(parameter: str, values: Values, accepted: Sequence[str]) -> tuple[str, ...]:
    """Values matched case-insensitively against a closed list."""
    by_folded = {value.casefold(): value for value in accepted}
    chosen = []
    for value in _split(values):
        match = by_folded.get(value.casefold())
        if match is None:
            raise ParameterError(
                parameter, f"{value!r} is not accepted; use one of {', '.join(accepted)}"
            )
        chosen.append(match)
    return tuple(dict.fromkeys(chosen))


def parse_programmes(values: Values) -> tuple[str, ...]:
    """FP7, H2020 or HE (also 'Horizon 2020', 'Horizon Europe'), in programme order.

    >>> parse_programmes('horizon europe, fp7')
    ('FP7', 'HE')
    """
    chosen = set()
    for value in _split(values):
        code = _PROGRAMME_ALIASES.get(value.upper())
        if code is None:
            raise ParameterError(
                "programme",
                f"{value!r} is not a programme; use FP7, H2020 (Horizon 2020) or HE "
                "(Horizon Europe)",
            )
        chosen.add(code)
    return tuple(p for p in PROGRAMMES if p in chosen)


def parse_years(years: str | tuple[int | None, int | None] | None) -> tuple[int | None, int | None]:
    """A year range: '2021', '2014-2020', '2018-' or '-2016' (inclusive).

    >>> parse_years('2014-2020'), parse_years('2021'), parse_years('-2016')
    ((2014, 2020), (2021, 2021), (None, 2016))
    """
    if years is None or years == "":
        return None, None
    if not isinstance(years, str):
        return years
    match = re.fullmatch(r"\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*", years)
    if match is None or not (match[1] or match[3]) or (match[2] is None and match[3]):
        raise ParameterError(
            "years", f"{years!r} is not a year range; write 2021, 2014-2020, 2018- or -2016"
        )
    first = int(match[1]) if match[1] else None
    last = int(match[3]) if match[3] else (None if match[2] else first)
    if first is not None and last is not None and first > last:
        raise ParameterError("years", f"{years!r} ends before it starts")
    return first, last


def parse_parts(values: Values) -> tuple[str, ...]:
    """Programme parts by code (HORIZON.1.2, H2020-EU.3.1) or name (MSCA, Health).

    A name matches the part in every programme that has it (MSCA in H2020 and HE).
    """
    table = rows("programme_parts")
    chosen: list[str] = []
    for value in _split(values):
        folded = value.casefold().rstrip(".")
        codes = [
            row["prefix"]
            for row in table
            if folded in (row["prefix"].casefold(), row["part"].casefold())
        ]
        if not codes:
            names = sorted({row["part"] for row in table})
            raise ParameterError(
                "programme_part",
                f"{value!r} is not a programme part; use a legal-basis code such as "
                f"HORIZON.1.2 or a name: {', '.join(names)}",
            )
        chosen.extend(codes)
    return tuple(dict.fromkeys(chosen))


def parse_subject(warehouse: Warehouse, values: Values) -> Subject:
    """A group (EU, ASSOCIATED, THIRD) or countries by CORDIS code, ISO code or name."""
    items = _split(values) or ["US"]
    if len(items) == 1 and items[0].upper() in GROUPS:
        status, label = GROUPS[items[0].upper()]
        return Subject(label, status=status)
    known = warehouse.lookup("SELECT cordis_code, iso_code, name FROM countries ORDER BY 1")
    lookup: dict[str, dict[str, object]] = {}
    for row in known:
        for key in (row["iso_code"], row["name"], row["cordis_code"]):
            if isinstance(key, str):
                lookup[key.casefold()] = row
    codes: list[str] = []
    names: list[str] = []
    for item in items:
        found = lookup.get(item.casefold())
        if found is None:
            raise ParameterError("country", _unknown_country(item, lookup))
        codes.append(str(found["cordis_code"]))
        names.append(str(found["name"] or found["cordis_code"]))
    return Subject(", ".join(dict.fromkeys(names)), countries=tuple(dict.fromkeys(codes)))


def _unknown_country(item: str, lookup: dict[str, dict[str, object]]) -> str:
    close = difflib.get_close_matches(item.casefold(), list(lookup), n=3, cutoff=0.75)
    hint = f" (did you mean {', '.join(str(lookup[c]['name']) for c in close)}?)" if close else ""
    return (
        f"{item!r} is not a known country{hint}; use a CORDIS or ISO code (US, UK or GB, "
        f"EL or GR), an English name, a comma-separated list, or a group: "
        f"{', '.join(GROUPS)}"
    )
