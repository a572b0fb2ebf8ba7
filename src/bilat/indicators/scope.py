"""What an indicator is computed for: the subject (a country or group) and the filters.

Every indicator takes the same parameters, declared and parsed once in
`bilat.indicators.filters`, so that a wrong value gets the same clear message from the CLI,
the API and Python: what was given and what is accepted. Countries are accepted by CORDIS code
(UK, EL), ISO code (GB, GR) or English name; groups by status, which is read per programme
(the UK is a member state in H2020 and an associated country in Horizon Europe).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bilat.cordis.programme_parts import PROGRAMMES
from bilat.indicators.filters import BY_NAME, FILTERS, GROUPS, Values, parse_countries, strings
from bilat.warehouse import aggregates
from bilat.warehouse.store import Warehouse


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

    def where(self) -> tuple[str, dict[str, object]]:
        """The same condition for a WHERE clause, written so that DuckDB reads only the row
        groups that can hold the subject (the facts are sorted by country): NULL there
        excludes the row as false does, so the COALESCE that `condition` needs is left out."""
        if self.status is not None:
            return "country_status = $subject_status", {"subject_status": self.status}
        return "list_contains($subject_countries, country)", {
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
    fields: tuple[str, ...] = ()  # EuroSciVoc fields, at any level of a project's field paths

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
        if self.fields:
            parts.append(
                """(programme, project_id) IN (SELECT programme, project_id FROM project_fields
                   WHERE list_has_any(string_split(trim(path, '/'), '/'), $f_fields))"""
            )
            params["f_fields"] = list(self.fields)
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
            ("field of science", self.fields),
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

    def cells(self, table: str) -> str:
        """The aggregate table `table` to sum everyone's figures from, in the form the
        filters need: a filter on fields of science names projects, which the cells do not
        keep, so it reads the same cells one per participation; filters on the programme
        and the years alone read the coarse table where there is one."""
        f = self.filters
        others = f.programme_parts or f.scheme_groups or f.roles or f.organisation_types
        return aggregates.cells(table, per_project=bool(f.fields), by_year=not others)

    def where(self) -> tuple[str, dict[str, object]]:
        """Project and participation filters together (not the subject)."""
        project, params = self.filters.project_condition()
        participation, more = self.filters.participation_condition()
        return f"{project} AND {participation}", params | more


def resolve(warehouse: Warehouse, /, **given: Values) -> Scope:
    """Check and normalise every filter (see `filters.FILTERS`; the country defaults to the
    US); raise ParameterError naming what is accepted."""
    unknown = sorted(set(given) - set(BY_NAME))
    if unknown:
        raise TypeError(f"{unknown[0]!r} is not a filter; filters: {', '.join(BY_NAME)}")
    parsed = {spec.name: spec.parse(warehouse, strings(given.get(spec.name))) for spec in FILTERS}
    loaded = tuple(
        row["programme"]
        for row in warehouse.lookup(
            "SELECT DISTINCT programme FROM participation_facts ORDER BY programme"
        )
    )
    programmes: tuple[str, ...] = parsed["programme"]
    year_from, year_to = parsed["years"]
    filters = Filters(
        programmes=programmes,
        year_from=year_from,
        year_to=year_to,
        programme_parts=parsed["programme_part"],
        scheme_groups=parsed["scheme_group"],
        roles=parsed["role"],
        organisation_types=parsed["organisation_type"],
        fields=parsed["field"],
    )
    covered = tuple(p for p in PROGRAMMES if p in loaded and (not programmes or p in programmes))
    return Scope(_subject(warehouse, parsed["country"]), filters, covered)


def parse_subject(warehouse: Warehouse, values: Values) -> Subject:
    """A group (EU, ASSOCIATED, THIRD) or countries by CORDIS code, ISO code or name."""
    return _subject(warehouse, parse_countries(warehouse, strings(values)))


def _subject(warehouse: Warehouse, codes: tuple[str, ...]) -> Subject:
    if len(codes) == 1 and codes[0] in GROUPS:
        status, label = GROUPS[codes[0]]
        return Subject(label, status=status)
    names = {
        str(row["cordis_code"]): str(row["name"] or row["cordis_code"])
        for row in warehouse.lookup("SELECT cordis_code, name FROM countries")
    }
    return Subject(", ".join(names.get(code, code) for code in codes), countries=codes)
