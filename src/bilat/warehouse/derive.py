"""The derived tables, rebuilt from the base tables after every ingest.

They are what indicators read: `participations` (the participations of each programme from its
best dataset), `projects` (one row per project known from any table, with what can honestly be
derived: call year from the topic code, programme part, scheme group), `organisations` (one row
per PIC with its latest identity), `countries` and `country_status`, `programme_tables`, and
`participation_facts`: each participation with its project's year, part and scheme and its
country's status, the one wide table every indicator filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from bilat.cordis import schemes
from bilat.cordis.geography import PLACEHOLDER_POINTS
from bilat.cordis.programme_parts import normalise_code, programme_part
from bilat.cordis.reference import rows
from bilat.warehouse import aggregates, partner_index, states
from bilat.warehouse.side_by_side import side_by_side
from bilat.warehouse.sql import run, scalar

# Bumped whenever a derived table changes shape: a warehouse built by an earlier bilat is then
# re-derived by the next ingest, and refused by readers until it is.
# 7: aggregate_project_level1 (missing, it answered 500); 8: the partner index;
# 9: the earlier record (reduced Horizon 2020 participations) in the partner index;
# 10: aggregate_country_cells (the peer benchmark's sums per country);
# 11: aggregate_field_years, aggregate_subfield_years (field breakdowns by programme and year);
# 12: project_members (the partner indicators read each project's participations as lists)
# 13: aggregate_country_years (the peer benchmark's sums per country by programme and year)
VERSION = 13

# Participation rows up to which each derived statement gets all of DuckDB's threads (all of
# CORDIS holds about half a million); beyond, one thread each (see `_one_thread_beyond`).
ALL_THREADS_UP_TO = 2_000_000

# A point given to organisations in this many distinct cities of one country is a
# geocoder's country centre, not a place.
SHARED_POINT_CITIES = 5


def version_of(con: duckdb.DuckDBPyConnection) -> int | None:
    """The version of the derived tables behind `con` (None before versions existed)."""
    found = run(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'bilat_meta'"
    )
    if not found[0][0]:
        return None
    return int(run(con, "SELECT derived_version FROM bilat_meta")[0][0])


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every derived table from the base tables."""
    run(con, _DATASETS)
    run(con, _PARTICIPATIONS)
    _register_code_maps(con)
    # Side by side where neither step reads what the other writes (see `side_by_side`); the
    # first step of each runs on `con`, which holds the code maps just registered.
    rows = scalar(con, "SELECT count(*) FROM participation_rows")
    with _one_thread_beyond(rows, con):
        side_by_side(con, _statement(_PROJECTS), _small_tables, _settled_rows)
        side_by_side(con, _statement(_FACTS), _statement(_ORGANISATIONS), partner_index.build_keys)
        side_by_side(con, *aggregates.PARTS, partner_index.build_postings)
    run(
        con,
        "CREATE OR REPLACE TABLE bilat_meta AS SELECT $version AS derived_version",
        {"version": VERSION},
    )


@contextmanager
def _one_thread_beyond(rows: int, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Build on one DuckDB thread per statement beyond `ALL_THREADS_UP_TO` participation rows,
    the steps still side by side. Participation rows are not ordered by organisation or
    project, so each thread's share of a grouping holds nearly every group: at ten times the
    full scale two threads per statement held twice the groups and spilled gigabytes to disk,
    and the steps side by side ran out of the build's memory. One thread each fits, and the
    steps side by side keep both cores busy (at ten times, in turns under load: 98 and 108 s
    instead of 130 and 132 s, peak memory the same)."""
    if rows <= ALL_THREADS_UP_TO:
        yield
        return
    threads = int(scalar(con, "SELECT current_setting('threads')"))
    run(con, "SET threads = 1")
    try:
        yield
    finally:
        run(con, f"SET threads = {threads}")


def _statement(sql: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """A step of `rebuild` that runs one statement."""

    def step(con: duckdb.DuckDBPyConnection) -> None:
        run(con, sql)

    return step


def _small_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Countries and their status (which the facts read), field levels, programme tables."""
    _countries(con)
    run(con, _FIELD_LEVELS)
    run(con, _PROGRAMME_TABLES)


def _settled_rows(con: duckdb.DuckDBPyConnection) -> None:
    """What is set on the participation rows themselves, over all the rows loaded: whether a
    row's point is a placeholder, and the US states (the facts and organisations read both;
    the projects and small tables neither)."""
    _flag_placeholder_points(con)
    states.settle_all(con)


def _flag_placeholder_points(con: duckdb.DuckDBPyConnection) -> None:
    """Set the flag on every row, true or false: whether a point is shared depends on all the
    rows loaded, so a flag set by an earlier ingest must be able to fall again."""
    known = [list(point) for point in PLACEHOLDER_POINTS]
    run(
        con,
        """
        UPDATE participation_rows p SET geolocation_placeholder = COALESCE(
            [p.latitude, p.longitude] IN (SELECT unnest($known))
            OR (p.country, p.latitude, p.longitude) IN (
                SELECT (country, latitude, longitude) FROM participation_rows
                WHERE latitude IS NOT NULL
                GROUP BY country, latitude, longitude
                HAVING count(DISTINCT lower(city)) >= $cities),
            false)
        """,
        {"known": known, "cities": SHARED_POINT_CITIES},
    )


_DATASETS = """
CREATE OR REPLACE TABLE programme_datasets AS
SELECT programme, CASE WHEN bool_or(dataset = 'cordis') THEN 'cordis' ELSE 'dashboard' END
       AS dataset
FROM (SELECT programme, dataset FROM participation_rows
      UNION ALL SELECT programme, dataset FROM project_records)
GROUP BY programme
"""

_PARTICIPATIONS = """
CREATE OR REPLACE VIEW participations AS
SELECT p.* FROM participation_rows p
JOIN programme_datasets d USING (programme, dataset)
"""


def _register_code_maps(con: duckdb.DuckDBPyConnection) -> None:
    """Programme part of each legal basis code and group of each funding scheme seen."""
    codes = [
        code
        for (code,) in run(
            con,
            """SELECT DISTINCT legal_basis FROM project_legal_basis WHERE legal_basis IS NOT NULL
           UNION SELECT DISTINCT legal_basis FROM project_records WHERE legal_basis IS NOT NULL""",
        )
    ]
    parts = [programme_part(_as_legal_basis(code)) for code in codes]
    con.register(
        "part_map",
        pa.table(
            {
                "code": pa.array(codes, pa.string()),
                "part_code": pa.array([p.code if p else None for p in parts], pa.string()),
                "pillar": pa.array([p.pillar if p else None for p in parts], pa.string()),
                "part": pa.array([p.part if p else None for p in parts], pa.string()),
            }
        ),
    )
    found = run(
        con,
        """SELECT DISTINCT funding_scheme, dataset FROM project_records
           WHERE funding_scheme IS NOT NULL""",
    )
    groups = [
        schemes.dashboard_group(code) if dataset == "dashboard" else schemes.scheme_group(code)
        for code, dataset in found
    ]
    con.register(
        "scheme_map",
        pa.table(
            {
                "code": pa.array([code for code, _ in found], pa.string()),
                "scheme_group": pa.array(groups, pa.string()),
            }
        ),
    )
    con.register(
        "scheme_groups",
        pa.table(
            {
                "scheme_group": list(schemes.GROUPS),
                "title": list(schemes.GROUPS.values()),
            }
        ),
    )


def _as_legal_basis(code: str) -> str:
    """eCorda-style codes (`EU.3.1.`) as CORDIS writes them (`H2020-EU.3.1`)."""
    code = normalise_code(code)
    return f"H2020-{code}" if code.upper().startswith("EU.") else code


_PROJECTS = """
CREATE OR REPLACE TABLE projects AS
WITH ids AS (
    SELECT programme, project_id FROM participations
    UNION SELECT r.programme, r.project_id FROM project_records r
          JOIN programme_datasets d USING (programme, dataset)
    UNION SELECT programme, project_id FROM project_topics
    UNION SELECT programme, project_id FROM project_legal_basis
    UNION SELECT programme, project_id FROM project_fields
),
records AS (
    SELECT r.* FROM project_records r JOIN programme_datasets d USING (programme, dataset)
    QUALIFY row_number() OVER (PARTITION BY programme, project_id
                               ORDER BY content_update DESC NULLS LAST, source_id DESC) = 1
),
unique_part AS (
    SELECT programme, project_id, arg_max(legal_basis, unique_programme_part::INTEGER) AS code,
           arg_max(title, unique_programme_part::INTEGER) AS title
    FROM project_legal_basis GROUP BY ALL
),
topic AS (
    SELECT programme, project_id, min(topic) AS topic, min(title) AS topic_title
    FROM project_topics GROUP BY ALL
),
members AS (
    SELECT programme, project_id, count(*) AS participations,
           count(DISTINCT pic) AS organisations, min(project_acronym) AS acronym
    FROM participations GROUP BY ALL
)
SELECT *,
       COALESCE(start_year, call_year) AS year,
       CASE WHEN start_year IS NOT NULL THEN 'start'
            WHEN call_year IS NOT NULL THEN 'call' END AS year_basis
FROM (
SELECT i.programme, i.project_id,
       COALESCE(r.acronym, m.acronym) AS acronym,
       r.title, r.status, r.start_date, r.end_date,
       year(r.start_date) AS start_year,
       r.signature_date, year(r.signature_date) AS signature_year,
       TRY_CAST(regexp_extract(COALESCE(t.topic, r.topics, r.master_call),
                               '(?:^|-)((?:19|20)[0-9][0-9])(?:-|$)', 1) AS INTEGER) AS call_year,
       COALESCE(t.topic, r.topics) AS topic, t.topic_title,
       COALESCE(u.code, r.legal_basis) AS legal_basis,
       u.title AS legal_basis_title,
       pm.part_code AS programme_part_code, pm.pillar, pm.part AS programme_part,
       r.funding_scheme, sm.scheme_group,
       r.total_cost, r.ec_max_contribution, r.master_call, r.sub_call, r.objective,
       r.grant_doi, r.content_update,
       r.project_id IS NOT NULL AS has_project_record,
       COALESCE(m.participations, 0) AS participations,
       COALESCE(m.organisations, 0) AS organisations
FROM ids i
LEFT JOIN records r USING (programme, project_id)
LEFT JOIN unique_part u USING (programme, project_id)
LEFT JOIN topic t USING (programme, project_id)
LEFT JOIN members m USING (programme, project_id)
LEFT JOIN part_map pm ON pm.code = COALESCE(u.code, r.legal_basis)
LEFT JOIN scheme_map sm ON sm.code = r.funding_scheme
)
"""

# Sorted by country so that a query for one country reads few row groups. The country's
# status is the one in force for that participation: a rule of `country_status_rules` holds
# from the call year `since` (the start year where the call year is unknown) in the pillar
# `pillar` (every pillar when empty); 'associated' sorts before 'member_state' and
# 'third_country', and a country no rule covers is a third country there.
# The rules are applied once per distinct (programme, year, pillar) of the projects and joined
# to the participations (a subquery per participation cost a third of the statement).
_FACTS = """
CREATE OR REPLACE TABLE participation_facts AS
WITH cells AS (
    SELECT DISTINCT programme, COALESCE(call_year, year) AS rule_year, pillar FROM projects
    UNION SELECT programme, NULL, NULL FROM programme_datasets
),
statuses AS (
    SELECT c.programme, r.cordis_code AS country, c.rule_year, c.pillar, min(r.status) AS status
    FROM cells c JOIN country_status_rules r ON r.programme = c.programme
     AND (r.since IS NULL OR c.rule_year >= r.since)
     AND (r.pillar IS NULL OR r.pillar = c.pillar)
    GROUP BY ALL
)
SELECT p.programme, p.project_id, COALESCE(j.acronym, p.project_acronym) AS acronym,
       p.pic, p.name, p.role, p.activity_type, p.sme,
       p.country, p.country_iso,
       COALESCE(s.status, CASE WHEN p.country IS NOT NULL THEN 'third_country' END)
           AS country_status,
       p.city, p.us_state,
       p.ec_contribution, p.net_ec_contribution,
       COALESCE(p.ec_contribution > 0, false) AS funded,
       j.year, j.year_basis, j.start_year, j.signature_year,
       j.programme_part_code, j.programme_part, j.pillar, j.funding_scheme, j.scheme_group
FROM participations p
LEFT JOIN projects j USING (programme, project_id)
LEFT JOIN statuses s ON s.programme = p.programme AND s.country = p.country
     AND s.rule_year IS NOT DISTINCT FROM COALESCE(j.call_year, j.year)
     AND s.pillar IS NOT DISTINCT FROM j.pillar
ORDER BY p.country, p.programme, p.project_id
"""

# Each column is the organisation's latest non-missing value (arg_max skips NULLs), so a row
# without a short name does not blank the one an earlier row gave. Latest means most recently
# updated, then the later programme, then the higher project id: that order is computed once
# per row as one 128-bit number (update time in microseconds, programme rank, project id
# offset to be non-negative), a fixed-size key that each of the twelve arg_max compares and
# keeps without copying; a sort-key blob was kept twelve times per organisation, which at ten
# times the full scale no longer fitted the build's memory and made the statement 40 times
# slower. The projects and programmes of each organisation are counted apart, on the
# distinct (organisation, project) pairs, rather than by a DISTINCT inside the same grouping.
_ORGANISATIONS = """
CREATE OR REPLACE TABLE organisations AS
WITH ranked AS (
    SELECT *,
           (epoch_us(COALESCE(content_update, TIMESTAMP '1900-01-01'))::HUGEINT * 4
            + CASE programme WHEN 'HE' THEN 3 WHEN 'H2020' THEN 2 ELSE 1 END)
           * 18446744073709551616 + (project_id::HUGEINT + 9223372036854775808) AS recency
    FROM participations WHERE pic IS NOT NULL
),
latest AS (
    SELECT pic,
           arg_max(name, recency) AS name,
           arg_max(short_name, recency) AS short_name,
           arg_max(activity_type, recency) AS activity_type,
           arg_max(sme, recency) AS sme,
           arg_max(country, recency) AS country,
           arg_max(country_iso, recency) AS country_iso,
           arg_max(city, recency) AS city,
           arg_max(post_code, recency) AS post_code,
           arg_max(us_state, recency) AS us_state,
           arg_max(CASE WHEN geolocation_placeholder THEN NULL ELSE latitude END, recency)
               AS latitude,
           arg_max(CASE WHEN geolocation_placeholder THEN NULL ELSE longitude END, recency)
               AS longitude,
           arg_max(organization_url, recency) AS organization_url,
           count(*) AS participations,
           max(content_update) AS last_update
    FROM ranked GROUP BY pic
),
reach AS (
    SELECT pic, count(*) AS projects, list_sort(list_distinct(list(programme))) AS programmes
    FROM (SELECT DISTINCT pic, programme, project_id FROM participations WHERE pic IS NOT NULL)
    GROUP BY pic
)
SELECT l.pic, l.name, l.short_name, l.activity_type, l.sme, l.country, l.country_iso, l.city,
       l.post_code, l.us_state, l.latitude, l.longitude, l.organization_url, l.participations,
       r.projects, r.programmes, l.last_update
FROM latest l JOIN reach r USING (pic)
"""


def _countries(con: duckdb.DuckDBPyConnection) -> None:
    """Countries with ISO codes and, per programme, member state / associated / third."""
    reference = rows("countries")
    con.register(
        "shipped_countries",
        pa.table(
            {
                "cordis_code": [row["cordis_code"] for row in reference],
                "iso_code": [row["iso_code"] for row in reference],
                "name": [row["name"] for row in reference],
                "current": [row["current"] == "yes" for row in reference],
            }
        ),
    )
    statuses = rows("country_status")
    con.register(
        "shipped_status",
        pa.table(
            {
                name: [row[name] or None for row in statuses]
                for name in ("programme", "cordis_code", "status", "since", "pillar", "note")
            }
        ),
    )
    run(
        con,
        """
        CREATE OR REPLACE TABLE countries AS
        WITH codes AS (
            SELECT cordis_code FROM shipped_countries
            UNION SELECT cordis_code FROM ref_countries
            UNION SELECT DISTINCT country FROM participation_rows WHERE country IS NOT NULL
        )
        SELECT c.cordis_code, COALESCE(s.iso_code, r.iso_code) AS iso_code,
               COALESCE(s.name, r.name) AS name,
               s.cordis_code IS NULL AND r.cordis_code IS NULL AS unknown,
               COALESCE(s.current, true) AS current
        FROM codes c
        LEFT JOIN shipped_countries s USING (cordis_code)
        LEFT JOIN (SELECT DISTINCT ON (cordis_code) * FROM ref_countries) r USING (cordis_code)
        """,
    )
    run(
        con,
        """
        CREATE OR REPLACE TABLE country_status_rules AS
        SELECT programme, cordis_code, status, TRY_CAST(since AS INTEGER) AS since, pillar,
               note
        FROM shipped_status
        """,
    )
    # One row per programme and country: its status there at best (associated when some of
    # its participations may be), from the first year and in the pillars its rules name
    # (NULL: from the programme's start, in every pillar).
    run(
        con,
        """
        CREATE OR REPLACE TABLE country_status AS
        WITH summary AS (
            SELECT programme, cordis_code,
                   CASE WHEN bool_or(status = 'member_state') THEN 'member_state'
                        ELSE 'associated' END AS status,
                   min(since) AS since,
                   CASE WHEN bool_and(pillar IS NOT NULL)
                        THEN string_agg(DISTINCT pillar, ' and ' ORDER BY pillar) END AS pillar,
                   string_agg(DISTINCT note, '; ' ORDER BY note) AS note
            FROM country_status_rules GROUP BY ALL
        )
        SELECT p.programme, c.cordis_code, c.iso_code, c.name,
               COALESCE(s.status, 'third_country') AS status, s.since, s.pillar, s.note
        FROM (VALUES ('FP7'), ('H2020'), ('HE')) p(programme)
        CROSS JOIN countries c
        LEFT JOIN summary s ON s.programme = p.programme AND s.cordis_code = c.cordis_code
        """,
    )


# The distinct top-level and second-level fields of each project, which breakdowns by field
# join to participations: computed once here, not at each query.
_FIELD_LEVELS = """
CREATE OR REPLACE TABLE project_field_levels AS
SELECT DISTINCT programme, project_id, level1, level2 FROM project_fields
ORDER BY programme, project_id
"""

_PROGRAMME_TABLES = """
CREATE OR REPLACE TABLE programme_tables AS
SELECT programme, kind, count(*) AS files, sum(rows_loaded) AS rows_loaded,
       max(snapshot_date) AS snapshot_date
FROM sources GROUP BY ALL ORDER BY ALL
"""
