"""Loading one parsed file into the warehouse's base tables, typed and normalised.

Typing happens in SQL (fast, vectorised); the few normalisations that need judgement (roles,
countries) are computed in Python over the distinct values of the file, which are
few, and joined in. A value that does not parse is loaded as missing and written to
`value_issues` with its file line; odd but usable values are counted in `load_warnings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

import duckdb
import pyarrow as pa

from bilat.cordis import roles
from bilat.cordis.parsing import LINE, ParsedFile
from bilat.cordis.reference import rows
from bilat.warehouse.columns import (
    PARTICIPATION_CHECKS,
    PARTICIPATION_COLUMNS,
    PARTICIPATION_SOURCES,
    PROJECT_CHECKS,
    PROJECT_COLUMNS,
    PROJECT_SOURCES,
    Check,
    projection,
)
from bilat.warehouse.sql import run, scalar


@dataclass(frozen=True)
class Target:
    """Where a file's rows go: its source row id, programme and dataset."""

    source_id: int
    programme: str
    dataset: str
    file_columns: dict[str, str] = field(default_factory=dict)  # lower-case -> as in the file


def load(con: duckdb.DuckDBPyConnection, parsed: ParsedFile, target: Target) -> int:
    """Insert a parsed file's rows and its quarantine; return the number of value issues."""
    target = replace(
        target, file_columns={name.lower(): name for name in parsed.table.column_names}
    )
    table = parsed.table.rename_columns([name.lower() for name in parsed.table.column_names])
    for optional in _OPTIONAL.get(parsed.layout.kind, ()):
        if optional not in table.column_names:
            table = table.append_column(optional, pa.nulls(table.num_rows, pa.string()))
    con.register("incoming", table)
    try:
        issues = _load_kind(con, parsed, set(table.column_names), target)
    finally:
        con.unregister("incoming")
    if parsed.rejected:
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?)",
            [
                (target.source_id, row.line, row.reason, row.text, row.recovered)
                for row in parsed.rejected
            ],
        )
    return issues


def _load_kind(
    con: duckdb.DuckDBPyConnection, parsed: ParsedFile, present: set[str], target: Target
) -> int:
    layout = parsed.layout.name
    issues = 0
    if layout in PARTICIPATION_SOURCES:
        mapping = PARTICIPATION_SOURCES[layout]
        issues += _participations(
            con, projection(mapping, PARTICIPATION_COLUMNS, present), mapping, target
        )
    if layout in PROJECT_SOURCES:
        mapping = PROJECT_SOURCES[layout]
        issues += _projects(
            con,
            projection(mapping, PROJECT_COLUMNS, present),
            mapping,
            target,
            distinct=layout == "dashboard-export",
        )
    simple = _SIMPLE.get(parsed.layout.kind)
    if simple is not None:
        values = {"programme": target.programme, "source": target.source_id}
        run(con, simple, {name: value for name, value in values.items() if f"${name}" in simple})
    return issues


_OPTIONAL = {"legalbasis": ("uniqueprogrammepart",), "programmes": ("parentprogramme",)}

# Tables loaded column for column; statements use $programme and $source where they need them.
_SIMPLE = {
    "topics": """INSERT INTO project_topics
        SELECT $programme, whole(projectid), txt(topic), txt(title), $source, _line
        FROM incoming""",
    "legalbasis": """INSERT INTO project_legal_basis
        SELECT $programme, whole(projectid), txt(legalbasis), txt(title),
               flag(uniqueprogrammepart), $source, _line FROM incoming""",
    "euroscivoc": """INSERT INTO project_fields
        SELECT $programme, whole(projectid),
               CASE WHEN txt(euroscivoccode) = '/' THEN NULL ELSE txt(euroscivoccode) END,
               txt(euroscivocpath), txt(euroscivoctitle),
               NULLIF(split_part(euroscivocpath, '/', 2), ''),
               NULLIF(split_part(euroscivocpath, '/', 3), ''), $source, _line FROM incoming""",
    "programmes": """INSERT INTO ref_programmes
        SELECT CASE WHEN upper(code) LIKE 'HORIZON%' THEN 'HE'
                    WHEN upper(code) LIKE 'H2020%' THEN 'H2020'
                    WHEN upper(code) LIKE 'FP7%' THEN 'FP7' ELSE $programme END,
               trim(code), txt(title), txt(shorttitle), txt(parentprogramme), $source
        FROM incoming WHERE lower(trim(language)) = 'en'""",
    "fundingschemes": """INSERT INTO ref_funding_schemes
        SELECT trim(code), txt(title), $source FROM incoming
        WHERE lower(trim(language)) = 'en'""",
    "countries": """INSERT INTO ref_countries
        SELECT upper(trim(eucode)), upper(txt(isocode)), first(txt(name)), $source
        FROM incoming GROUP BY ALL""",
    # The reduced H2020 record writes NA for a missing value (readr's output); a country
    # NA stays as given (Namibia's code: those rows are in the file's third-country group).
    "record_participations": """INSERT INTO record_participations
        SELECT $programme, whole(rcn), whole(NULLIF(pic, 'NA')), txt(NULLIF(role, 'NA')),
               upper(txt(NULLIF(type, 'NA'))), amount(NULLIF(contribution, 'NA')),
               upper(txt(country)), day(NULLIF(start_date, 'NA')), $source, _line
        FROM incoming""",
    "record_parts": """INSERT INTO record_project_parts
        SELECT $programme, whole(rcn), txt(NULLIF(programme_part, 'NA')), $source, _line
        FROM incoming""",
    "euroscivoc_tree": """INSERT INTO euroscivoc_concepts
        SELECT trim(concept), txt(broader), txt(enlabel), $source FROM incoming""",
}


def _participations(
    con: duckdb.DuckDBPyConnection, select: str, mapping: dict[str, str], target: Target
) -> int:
    run(con, f"CREATE OR REPLACE TEMP VIEW canon AS SELECT {select}, {LINE} FROM incoming")
    _register_maps(con)
    run(
        con,
        """
        INSERT INTO participation_rows
        SELECT $programme, $dataset, whole(c.project_id), txt(c.project_acronym), whole(c.pic),
               r.role, txt(c.role_raw), whole(c.order_no)::INTEGER, txt(c.name),
               txt(c.short_name), NULLIF(txt(c.vat_number), '.'), flag(c.sme),
               upper(txt(c.activity_type)), txt(c.street), txt(c.post_code), txt(c.city),
               upper(txt(c.country)), k.iso_code, txt(c.nuts_code),
               TRY_CAST(split_part(c.geolocation, ',', 1) AS DOUBLE),
               TRY_CAST(split_part(c.geolocation, ',', 2) AS DOUBLE), false,
               NULL, NULL, txt(c.organization_url), amount(c.ec_contribution),
               amount(c.net_ec_contribution), amount(c.total_cost),
               flag(c.end_of_participation), flag(c.active), stamp(c.content_update),
               whole(c.rcn), $source_id, c._line
        FROM canon c
        LEFT JOIN role_map r ON r.raw IS NOT DISTINCT FROM txt(c.role_raw)
                            AND r.partner_type IS NOT DISTINCT FROM txt(c.partner_type)
        LEFT JOIN country_map k ON k.code = upper(txt(c.country))
        """,
        {"programme": target.programme, "dataset": target.dataset, "source_id": target.source_id},
    )
    issues = _record_issues(con, PARTICIPATION_CHECKS, mapping, target, loaded="participation_rows")
    issues += _geolocation_issues(con, mapping, target.source_id)
    _record_participation_warnings(con, target.source_id)
    return issues


def _register_maps(con: duckdb.DuckDBPyConnection) -> None:
    """Role and country lookups for the distinct values of the incoming file."""
    pairs = run(con, "SELECT DISTINCT txt(role_raw), txt(partner_type) FROM canon")
    con.register(
        "role_map",
        pa.table(
            {
                "raw": [raw for raw, _ in pairs],
                "partner_type": [kind for _, kind in pairs],
                "role": [roles.role(raw, kind) for raw, kind in pairs],
            }
        ),
    )
    codes = country_codes()
    con.register("country_map", pa.table({"code": list(codes), "iso_code": list(codes.values())}))


@cache
def country_codes() -> dict[str, str]:
    """CORDIS country code to ISO 3166 code (UK to GB, EL to GR, KO to XK)."""
    return {row["cordis_code"]: row["iso_code"] for row in rows("countries")}


def _record_issues(
    con: duckdb.DuckDBPyConnection,
    checks: dict[str, Check],
    mapping: dict[str, str],
    target: Target,
    *,
    loaded: str,
) -> int:
    """Write a value issue for every non-empty value that its parser rejects.

    The rows just inserted into `loaded` (under the same names as the checks) say where a
    typed value came out missing: only there is the file's text looked at again, so the
    parsers run once per value, in the insert, and again on the few rows with a problem.
    """
    cursor = con.execute("SELECT * FROM canon LIMIT 0")
    present = {column[0] for column in cursor.description or []}
    cursor.fetchall()
    checked = {name: check for name, check in checks.items() if name in present and name in mapping}
    if not checked:
        return 0
    missing = " OR ".join(f"(t.{name} IS NULL AND txt(c.{name}) IS NOT NULL)" for name in checked)
    # DISTINCT: two records could share a start line (one recovered from a malformed row)
    run(
        con,
        f"""CREATE OR REPLACE TEMP TABLE suspects AS
            SELECT DISTINCT c.* FROM canon c
            JOIN {loaded} t ON t.source_id = $source AND t.source_line = c.{LINE}
            WHERE {missing}""",
        {"source": target.source_id},
    )
    total = 0
    try:
        for name, check in checked.items():
            reason, reasons = "?", [check.reason]
            if check.refusal is not None:
                macro, refused = check.refusal
                reason = f"CASE WHEN {macro}({name}) THEN ? ELSE ? END"
                reasons = [refused, *reasons]
            inserted = scalar(
                con,
                f"""INSERT INTO value_issues
                    SELECT ?, {LINE}, ?, {name}, {reason} FROM suspects
                    WHERE txt({name}) IS NOT NULL AND NOT placeholder({name})
                      AND {check.parser}({name}) IS NULL""",
                [target.source_id, target.file_columns.get(mapping[name], mapping[name]), *reasons],
            )
            total += int(inserted or 0)
    finally:
        run(con, "DROP TABLE IF EXISTS suspects")
    return total


def _geolocation_issues(
    con: duckdb.DuckDBPyConnection, mapping: dict[str, str], source_id: int
) -> int:
    if "geolocation" not in mapping:
        return 0
    inserted = scalar(
        con,
        f"""INSERT INTO value_issues
            SELECT ?, {LINE}, 'geolocation', geolocation, 'not a latitude,longitude pair'
            FROM canon WHERE txt(geolocation) IS NOT NULL AND (
                TRY_CAST(split_part(geolocation, ',', 1) AS DOUBLE) IS NULL
                OR TRY_CAST(split_part(geolocation, ',', 2) AS DOUBLE) IS NULL)""",
        [source_id],
    )
    return int(inserted or 0)


def _record_participation_warnings(con: duckdb.DuckDBPyConnection, source_id: int) -> None:
    known_types = list(roles.ACTIVITY_TYPES)
    run(
        con,
        """
        INSERT INTO load_warnings
        SELECT $source, 'unknown country code', upper(txt(country)), count(*) FROM canon
        WHERE upper(txt(country)) NOT IN (SELECT code FROM country_map) GROUP BY ALL
        UNION ALL
        SELECT $source, 'missing country', NULL, count(*) FROM canon
        WHERE txt(country) IS NULL HAVING count(*) > 0
        UNION ALL
        SELECT $source, 'blank activity type', NULL, count(*) FROM canon
        WHERE txt(activity_type) IS NULL HAVING count(*) > 0
        UNION ALL
        SELECT $source, 'unknown activity type', upper(txt(activity_type)), count(*) FROM canon
        WHERE upper(txt(activity_type)) NOT IN (SELECT unnest($types)) GROUP BY ALL
        UNION ALL
        SELECT $source, 'unknown role', txt(c.role_raw), count(*) FROM canon c
        JOIN role_map r ON r.raw IS NOT DISTINCT FROM txt(c.role_raw)
                       AND r.partner_type IS NOT DISTINCT FROM txt(c.partner_type)
        WHERE r.role IS NULL GROUP BY ALL
        """,
        {"source": source_id, "types": known_types},
    )


def _projects(
    con: duckdb.DuckDBPyConnection,
    select: str,
    mapping: dict[str, str],
    target: Target,
    *,
    distinct: bool,
) -> int:
    """Insert project records; a Dashboard export repeats each project once per participant."""
    if distinct:
        run(
            con,
            f"""CREATE OR REPLACE TEMP VIEW canon AS
                SELECT {select}, min({LINE}) AS {LINE} FROM incoming GROUP BY ALL""",
        )
    else:
        run(con, f"CREATE OR REPLACE TEMP VIEW canon AS SELECT {select}, {LINE} FROM incoming")
    run(
        con,
        """
        INSERT INTO project_records
        SELECT $programme, $dataset, whole(project_id), txt(acronym), txt(status), txt(title),
               day(start_date), day(end_date), amount(total_cost), amount(ec_max_contribution),
               txt(legal_basis), txt(topics), day(signature_date), txt(framework_programme),
               txt(master_call), txt(sub_call), txt(funding_scheme), txt(nature),
               txt(objective), txt(keywords), stamp(content_update), whole(rcn),
               txt(grant_doi), $source_id, _line
        FROM canon
        """,
        {"programme": target.programme, "dataset": target.dataset, "source_id": target.source_id},
    )
    return _record_issues(con, PROJECT_CHECKS, mapping, target, loaded="project_records")
