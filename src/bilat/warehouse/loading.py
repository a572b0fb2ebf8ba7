"""Loading one parsed file into the warehouse's base tables, typed and normalised.

Typing happens in SQL (fast, vectorised) over values trimmed in Arrow beforehand (DuckDB's
trim() was the largest part of the typed insert); the few normalisations that need judgement
(roles, countries) are computed in Python over the distinct values of the file, which are
few, and joined in. A value that does not parse is loaded as missing and written to
`value_issues` with its file line, as the file wrote it; odd but usable values are counted in
`load_warnings`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

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
    con.register("trimmed", trimmed(table, keep=_untrimmed(parsed)))
    try:
        issues = _load_kind(con, parsed, set(table.column_names), target)
    finally:
        con.unregister("incoming")
        con.unregister("trimmed")
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


# What DuckDB's trim() removes from either end of a text: Unicode's space separators
# (category Zs), not tabs or line breaks. A test checks this against trim() on every code point.
SPACES = "".join(map(chr, (0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)))
# Canonical columns the typed insert reads as the file wrote them (split before being cast),
# and the file columns of other tables read so.
UNTRIMMED = ("geolocation",)
_UNTRIMMED_FILE_COLUMNS = {"euroscivoc": ("euroscivocpath",)}


def _untrimmed(parsed: ParsedFile) -> set[str]:
    """The file's columns (lower-case) that `trimmed` leaves as the file wrote them."""
    mapping = PARTICIPATION_SOURCES.get(parsed.layout.name, {})
    kept = {mapping[name] for name in UNTRIMMED if name in mapping}
    return kept | set(_UNTRIMMED_FILE_COLUMNS.get(parsed.layout.kind, ()))


def trimmed(table: pa.Table, *, keep: Collection[str] = ()) -> pa.Table:
    """The table with every text column but those in `keep` trimmed as DuckDB's trim() does.

    Trimming in Arrow takes a fifth of the time trim() takes in the typed insert, where each
    value was trimmed once per macro using it. A column with nothing to trim is the same
    array, not a copy, so a clean file costs no memory here.
    """
    columns = []
    for name in table.column_names:
        column = table[name]
        text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
        if text and name not in keep:
            cut = pc.utf8_trim(column, characters=SPACES)
            if pc.sum(pc.binary_length(cut)) != pc.sum(pc.binary_length(column)):
                column = cut
        columns.append(column)
    return pa.table(columns, names=table.column_names)


_OPTIONAL = {"legalbasis": ("uniqueprogrammepart",), "programmes": ("parentprogramme",)}

# Tables loaded column for column; statements use $programme and $source where they need them.
# The large ones read `trimmed` (see `trimmed`), the others the file as written (`incoming`).
_SIMPLE = {
    "topics": """INSERT INTO project_topics
        SELECT $programme, whole_of(projectid), txt_of(topic), txt_of(title), $source, _line
        FROM trimmed""",
    "legalbasis": """INSERT INTO project_legal_basis
        SELECT $programme, whole_of(projectid), txt_of(legalbasis), txt_of(title),
               flag_of(uniqueprogrammepart), $source, _line FROM trimmed""",
    "euroscivoc": """INSERT INTO project_fields
        SELECT $programme, whole_of(projectid),
               CASE WHEN txt_of(euroscivoccode) = '/' THEN NULL ELSE txt_of(euroscivoccode) END,
               txt(euroscivocpath), txt_of(euroscivoctitle),
               NULLIF(split_part(euroscivocpath, '/', 2), ''),
               NULLIF(split_part(euroscivocpath, '/', 3), ''), $source, _line FROM trimmed""",
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
    _canon(con, select)
    _register_maps(con)
    run(
        con,
        """
        INSERT INTO participation_rows
        SELECT $programme, $dataset, whole_of(c.project_id), txt_of(c.project_acronym),
               whole_of(c.pic), r.role, txt_of(c.role_raw), whole_of(c.order_no)::INTEGER,
               txt_of(c.name), txt_of(c.short_name), NULLIF(txt_of(c.vat_number), '.'),
               flag_of(c.sme), upper(txt_of(c.activity_type)), txt_of(c.street),
               txt_of(c.post_code), txt_of(c.city), upper(txt_of(c.country)), k.iso_code,
               txt_of(c.nuts_code), TRY_CAST(split_part(c.geolocation, ',', 1) AS DOUBLE),
               TRY_CAST(split_part(c.geolocation, ',', 2) AS DOUBLE), false,
               NULL, NULL, txt_of(c.organization_url), amount_of(c.ec_contribution),
               amount_of(c.net_ec_contribution), amount_of(c.total_cost),
               flag_of(c.end_of_participation), flag_of(c.active), stamp_of(c.content_update),
               whole_of(c.rcn), $source_id, c._line
        FROM canon c
        LEFT JOIN role_map r ON r.raw IS NOT DISTINCT FROM txt_of(c.role_raw)
                            AND r.partner_type IS NOT DISTINCT FROM txt_of(c.partner_type)
        LEFT JOIN country_map k ON k.code = upper(txt_of(c.country))
        """,
        {"programme": target.programme, "dataset": target.dataset, "source_id": target.source_id},
    )
    issues = _record_issues(con, PARTICIPATION_CHECKS, mapping, target, loaded="participation_rows")
    issues += _geolocation_issues(con, mapping, target.source_id)
    _record_participation_warnings(con, target.source_id)
    return issues


def _canon(con: duckdb.DuckDBPyConnection, select: str, *, distinct: bool = False) -> None:
    """The file under canonical column names, twice: `canon` trimmed, which the typed insert
    reads, and `canon_raw` as the file wrote it, which a value issue quotes.

    With `distinct`, a record per distinct row as written, on the first line it is on (a
    Dashboard export repeats each project once per participant); those few rows are trimmed
    here, in SQL.
    """
    if distinct:
        run(
            con,
            f"""CREATE OR REPLACE TEMP VIEW canon_raw AS
                SELECT {select}, min({LINE}) AS {LINE} FROM incoming GROUP BY ALL""",
        )
        trim = f"SELECT trim(COLUMNS(* EXCLUDE ({LINE}))), {LINE} FROM canon_raw"
        run(con, f"CREATE OR REPLACE TEMP VIEW canon AS {trim}")
        return
    run(con, f"CREATE OR REPLACE TEMP VIEW canon_raw AS SELECT {select}, {LINE} FROM incoming")
    run(con, f"CREATE OR REPLACE TEMP VIEW canon AS SELECT {select}, {LINE} FROM trimmed")


def _register_maps(con: duckdb.DuckDBPyConnection) -> None:
    """Role and country lookups for the distinct values of the incoming file."""
    pairs = run(con, "SELECT DISTINCT txt_of(role_raw), txt_of(partner_type) FROM canon")
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
    Those lines are found in the trimmed text (`canon`), then their rows as written
    (`canon_raw`) checked and quoted: the checks read no untrimmed column (`UNTRIMMED`).
    """
    cursor = con.execute("SELECT * FROM canon LIMIT 0")
    present = {column[0] for column in cursor.description or []}
    cursor.fetchall()
    checked = {name: check for name, check in checks.items() if name in present and name in mapping}
    if not checked:
        return 0
    joined = f"JOIN {loaded} t ON t.source_id = $source AND t.source_line = c.{LINE}"
    missing = " OR ".join(f"(t.{name} IS NULL AND txt(c.{name}) IS NOT NULL)" for name in checked)
    lines = scalar(
        con,
        f"""SELECT list(DISTINCT c.{LINE}) FROM canon c {joined}
            WHERE {missing.replace("txt(", "txt_of(")}""",
        {"source": target.source_id},
    )
    if not lines:
        return 0
    # DISTINCT: two records could share a start line (one recovered from a malformed row)
    run(
        con,
        f"""CREATE OR REPLACE TEMP TABLE suspects AS
            WITH lines AS MATERIALIZED (
                SELECT * FROM canon_raw WHERE {LINE} IN (SELECT unnest($lines)))
            SELECT DISTINCT c.* FROM lines c {joined} WHERE {missing}""",
        {"source": target.source_id, "lines": lines},
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
        SELECT $source, 'unknown country code', upper(txt_of(country)), count(*) FROM canon
        WHERE upper(txt_of(country)) NOT IN (SELECT code FROM country_map) GROUP BY ALL
        UNION ALL
        SELECT $source, 'missing country', NULL, count(*) FROM canon
        WHERE txt_of(country) IS NULL HAVING count(*) > 0
        UNION ALL
        SELECT $source, 'blank activity type', NULL, count(*) FROM canon
        WHERE txt_of(activity_type) IS NULL HAVING count(*) > 0
        UNION ALL
        SELECT $source, 'unknown activity type', upper(txt_of(activity_type)), count(*) FROM canon
        WHERE upper(txt_of(activity_type)) NOT IN (SELECT unnest($types)) GROUP BY ALL
        UNION ALL
        SELECT $source, 'unknown role', txt_of(c.role_raw), count(*) FROM canon c
        JOIN role_map r ON r.raw IS NOT DISTINCT FROM txt_of(c.role_raw)
                       AND r.partner_type IS NOT DISTINCT FROM txt_of(c.partner_type)
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
    _canon(con, select, distinct=distinct)
    run(
        con,
        """
        INSERT INTO project_records
        SELECT $programme, $dataset, whole_of(project_id), txt_of(acronym), txt_of(status),
               txt_of(title), day_of(start_date), day_of(end_date), amount_of(total_cost),
               amount_of(ec_max_contribution), txt_of(legal_basis), txt_of(topics),
               day_of(signature_date), txt_of(framework_programme), txt_of(master_call),
               txt_of(sub_call), txt_of(funding_scheme), txt_of(nature), txt_of(objective),
               txt_of(keywords), stamp_of(content_update), whole_of(rcn), txt_of(grant_doi),
               $source_id, _line
        FROM canon
        """,
        {"programme": target.programme, "dataset": target.dataset, "source_id": target.source_id},
    )
    return _record_issues(con, PROJECT_CHECKS, mapping, target, loaded="project_records")
