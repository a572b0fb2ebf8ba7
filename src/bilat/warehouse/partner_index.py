"""The partner index: what partner search ranks from, built at ingest and kept in the warehouse.

Partner search weighs each organisation's projects by the keys they share with a question
(programme part, topic families, fields of science, words of titles) and sums the weights over
participations. Indexing the record (numbering projects and organisations, expanding topic
codes and field paths into keys, tokenising titles, counting each organisation under each key)
took half a minute at full scale in every process that asked its first question; here it is
done once, by SQL at ingest, and stored as `partner_*` tables that a process reads straight
into arrays.

The same statements also build the index of a period (`compute(until=2022)`), as common table
expressions over the base tables, so the evaluation's record and the live one come from one
definition. Everything is cut by the project's year (call year from the topic code, else start
year) before anything else is read: nothing after `until` enters.

The earlier record (`record_participations`: the reduced Horizon 2020 participation table,
keyed by project RCN, without names, topics or fields) enters the index as projects of their
start year with their programme parts, when the warehouse does not hold that programme's own
tables: evidence of who worked with whom and where, never counted by the indicators.

Tables (row order is the numbering; every table is written in that order):
- `partner_projects`: project number, programme, id, acronym, year, topic, topic title, part,
  and whether it is listed (a project of the warehouse's own tables, not of the earlier record).
- `partner_organisations`: organisation number (PIC order), PIC, on the European side, in the
  US, and whether it is named (has a participation in the warehouse's own tables).
- `partner_participations`: project number, organisation number, coordinator, EU contribution,
  by project then PIC then role.
- `partner_keys`: key number, kind (part, family, field, word), key, projects under it, idf.
- `partner_key_projects`: key number, project number, and whether the key is the project's own
  (a field path it names, not only an ancestor of one).
- `partner_postings`: per key of kind part, family or field, each organisation with
  participations under it: how many, and how many as coordinator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from bilat.warehouse import partner_keyed, partner_postings
from bilat.warehouse.partner_keys import field_paths, topic_families, words
from bilat.warehouse.sql import run

# A project's year for the split: the call year when the topic code names one (projects of
# one call are judged together), else the start year.
YEAR = "COALESCE(p.call_year, p.year)"
_FOREVER = 9999
# Associated to Horizon Europe's Pillar II only, and on other continents: partners across the
# Atlantic from the European side means Europe and its neighbourhood, not these.
ELSEWHERE = ("CA", "KR", "NZ", "JP")
# The part labels of the earlier record (`record_project_parts`, the Horizon 2020 parts as
# zambujo/eunets groups them) and the key each project is indexed under: the Horizon Europe
# part that continues it where one plainly does (MSCA, ERC, research infrastructures, the
# societal challenges that became clusters, FET and the SME instrument in the EIC, the EIT,
# widening), else the Horizon 2020 code itself (a key no Horizon Europe question names).
RECORD_PARTS = {
    "ERC": "HORIZON.1.1",
    "MSCA": "HORIZON.1.2",
    "RI": "HORIZON.1.3",
    "SC1": "HORIZON.2.1",
    "SC6": "HORIZON.2.2",
    "SC7": "HORIZON.2.3",
    "LEIT": "HORIZON.2.4",
    "SC3": "HORIZON.2.5",
    "SC4": "HORIZON.2.5",
    "SC2": "HORIZON.2.6",
    "FET": "HORIZON.3.1",
    "Innovation in SMEs": "HORIZON.3.1",
    "EIT": "HORIZON.3.3",
    "SEWP": "HORIZON.4.1",
    "Euratom": "EURATOM2027",
    "SC5": "H2020-EU.3.5",
    "SWAFS": "H2020-EU.5",
    "ARF": "H2020-EU.2.2",
    "JRC": "H2020-EU.6",
}

Query = Callable[[str, dict[str, object] | None], pa.Table]


@dataclass(frozen=True)
class IndexTables:
    """The partner index of a period, as Arrow tables in numbering order."""

    projects: pa.Table
    organisations: pa.Table
    participations: pa.Table
    keys: pa.Table
    key_projects: pa.Table
    postings: pa.Table


def _scope(bounded: bool, year: str = YEAR) -> str:
    """Projects of the period; without bounds, also those the split cannot place (no year)."""
    if bounded:
        return f"{year} BETWEEN $since AND $until"
    return f"({year} BETWEEN $since AND $until OR {year} IS NULL)"


def _record_parts() -> str:
    """The record's part labels and the part key each is indexed under, as SQL rows."""
    return ", ".join(f"('{label}', '{key}')" for label, key in RECORD_PARTS.items())


def _steps(bounded: bool) -> list[tuple[str, str]]:
    """The statements, in order, each reading the base tables and the steps before it."""
    elsewhere = ", ".join(f"'{code}'" for code in ELSEWHERE)
    return [
        (
            # The earlier record's projects, by RCN, with the start year as their year (their
            # calls closed earlier still); only for a programme whose own tables are absent.
            "partner_record_projects",
            f"""SELECT * FROM (
                    SELECT programme, project_rcn AS project_id, year(min(start_date)) AS year
                    FROM record_participations r
                    WHERE NOT EXISTS (SELECT 1 FROM participations x
                                      WHERE x.programme = r.programme)
                    GROUP BY ALL)
                WHERE {_scope(bounded, "year")}""",
        ),
        (
            "partner_record_keys",
            f"""SELECT DISTINCT c.programme, c.project_id, m.key
                FROM partner_record_projects c
                JOIN record_project_parts r
                  ON r.programme = c.programme AND r.project_rcn = c.project_id
                JOIN (VALUES {_record_parts()}) m(label, key) ON m.label = r.part""",
        ),
        (
            "partner_projects",
            f"""SELECT row_number() OVER (ORDER BY programme, listed DESC, project_id) - 1
                           AS project, *
                FROM (SELECT p.programme, p.project_id, p.acronym, {YEAR} AS year, p.topic,
                             p.topic_title, p.programme_part_code AS part, true AS listed
                      FROM projects p WHERE {_scope(bounded)} AND p.participations > 0
                      UNION ALL
                      SELECT c.programme, c.project_id, NULL, c.year, NULL, NULL,
                             (SELECT min(k.key) FROM partner_record_keys k
                              WHERE k.programme = c.programme
                                AND k.project_id = c.project_id),
                             false
                      FROM partner_record_projects c)
                ORDER BY project""",
        ),
        (
            "partner_rows",
            """SELECT c.project, f.pic, COALESCE(f.role = 'coordinator', false) AS coordinator,
                      f.role, NULLIF(f.country, '') AS country,
                      COALESCE(f.ec_contribution, 0)::DOUBLE AS ec_contribution, c.listed
               FROM participation_facts f JOIN partner_projects c USING (programme, project_id)
               WHERE f.pic IS NOT NULL AND c.listed
               UNION ALL
               SELECT c.project, r.pic, COALESCE(r.role = 'coordinator', false), r.role,
                      NULLIF(r.country, ''), COALESCE(r.ec_contribution, 0)::DOUBLE, false
               FROM record_participations r JOIN partner_projects c
                 ON c.programme = r.programme AND c.project_id = r.project_rcn
               WHERE r.pic IS NOT NULL AND NOT c.listed""",
        ),
        (
            "partner_organisations",
            # Each organisation's country is that of its last participation in project order
            # that names one: an organisation that moved is placed where its latest grant put it.
            # `named`: it has a participation in the warehouse's own tables, hence a name.
            f"""SELECT row_number() OVER (ORDER BY pic) - 1 AS org, pic,
                       COALESCE(country IN (SELECT cordis_code FROM country_status
                                            WHERE status IN ('member_state', 'associated'))
                                AND country NOT IN ({elsewhere}), false) AS european,
                       COALESCE(country = 'US', false) AS american, named
                FROM (SELECT pic, arg_max(country, (project, role))
                                      FILTER (WHERE country IS NOT NULL) AS country,
                             bool_or(listed) AS named
                      FROM partner_rows GROUP BY pic)
                ORDER BY org""",
        ),
        (
            "partner_participations",
            """SELECT r.project, o.org, r.coordinator, r.ec_contribution
               FROM partner_rows r JOIN partner_organisations o USING (pic)
               ORDER BY r.project, r.pic, r.role""",
        ),
        (
            # The field paths of each listed project, read by the keys of fields and of words
            # (a field is also found by its name): joined to the projects once.
            "partner_project_fields",
            """SELECT c.project, f.path
               FROM partner_projects c JOIN project_fields f USING (programme, project_id)
               WHERE c.listed""",
        ),
        (
            # Every key a project could be indexed under, numbered in (kind, key) order, so
            # the steps after it join, group and sort small integers instead of strings; the
            # numbers of the keys some project holds keep that order (`partner_keys`).
            "partner_key_names",
            """SELECT row_number() OVER (ORDER BY kind, key) AS name, kind, key
               FROM (SELECT 'part' AS kind, part AS key FROM partner_projects
                     WHERE part IS NOT NULL AND listed
                     UNION SELECT 'part', key FROM partner_record_keys
                     UNION SELECT 'family', family FROM partner_topic_families
                     UNION SELECT 'field', key FROM partner_field_keys
                     UNION SELECT 'word', word FROM partner_text_words)""",
        ),
        (
            # Every key a project is indexed under, once per way it is found: a field shared
            # by two of its paths, or a word in its title and in a field name, comes again.
            "partner_key_rows",
            """WITH named AS (SELECT kind, key, name FROM partner_key_names),
               texts AS (SELECT w.text, n.name FROM partner_text_words w
                         JOIN named n ON n.kind = 'word' AND n.key = w.word),
               paths AS (SELECT f.path, n.name, f.key = f.path AS own FROM partner_field_keys f
                         JOIN named n ON n.kind = 'field' AND n.key = f.key)
               SELECT c.project, n.name, true AS own
               FROM partner_projects c JOIN named n ON n.kind = 'part' AND n.key = c.part
               WHERE c.listed
               UNION ALL
               SELECT c.project, n.name, true
               FROM partner_projects c JOIN partner_record_keys k USING (programme, project_id)
               JOIN named n ON n.kind = 'part' AND n.key = k.key
               WHERE NOT c.listed
               UNION ALL
               SELECT c.project, n.name, true
               FROM partner_projects c JOIN partner_topic_families t USING (topic)
               JOIN named n ON n.kind = 'family' AND n.key = t.family
               UNION ALL
               SELECT f.project, k.name, k.own
               FROM partner_project_fields f JOIN paths k USING (path)
               UNION ALL
               SELECT t.project, w.name, true
               FROM (SELECT project, topic_title AS text FROM partner_projects
                     UNION ALL
                     SELECT c.project, l.title FROM partner_projects c
                     JOIN project_legal_basis l USING (programme, project_id) WHERE c.listed
                     UNION ALL
                     SELECT project, path FROM partner_project_fields) t
               JOIN texts w USING (text)""",
        ),
        (
            # Each (project, key) once, its own if found so once: the keys' project counts are
            # then row counts. (The ingest does this and the two steps after it by sorting
            # packed integers instead: `partner_keyed`.)
            "partner_keyed",
            """SELECT project, name, bool_or(own) AS own FROM partner_key_rows
               GROUP BY project, name""",
        ),
        (
            "partner_key_counts",
            """SELECT row_number() OVER (ORDER BY name) - 1 AS number, name, projects
               FROM (SELECT name, count(*) AS projects FROM partner_keyed GROUP BY name)""",
        ),
        (
            "partner_keys",
            """SELECT c.number, n.kind, n.key, c.projects,
                      ln((1 + (SELECT count(*) FROM partner_projects)) / (1 + c.projects)) + 1
                          AS idf
               FROM partner_key_counts c JOIN partner_key_names n USING (name)
               ORDER BY c.number""",
        ),
        (
            "partner_key_projects",
            """SELECT c.number AS key, e.project, e.own
               FROM partner_keyed e JOIN partner_key_counts c USING (name)
               ORDER BY key, project""",
        ),
        (
            "partner_postings",
            """SELECT e.key, p.org, count(*)::DOUBLE AS count,
                      count(*) FILTER (WHERE p.coordinator)::DOUBLE AS led
               FROM partner_key_projects e JOIN partner_keys k ON k.number = e.key
               JOIN partner_participations p USING (project)
               WHERE k.kind IN ('part', 'family', 'field')
               GROUP BY ALL ORDER BY e.key, p.org""",
        ),
    ]


# The steps kept in the warehouse (the others are intermediate).
STORED = (
    "partner_projects",
    "partner_organisations",
    "partner_participations",
    "partner_keys",
    "partner_key_projects",
    "partner_postings",
)
# How the keys of topic codes, field paths and texts are read: Python functions of a string
# (`partner_keys`), applied once per distinct string at ingest and kept beside the index.
LOOKUPS = ("partner_topic_families", "partner_field_keys", "partner_text_words")


# Steps the ingest does by sorting packed integers in numpy rather than by their statements
# (the same rows in the same order, which tests compare): the key rows made distinct, counted
# and numbered (`partner_keyed`, which writes the two steps after it too) and the postings.
_BY_SORTING: dict[str, Callable[[duckdb.DuckDBPyConnection, str], None]] = {
    "partner_key_rows": partner_keyed.build,
    "partner_keyed": lambda con, sql: None,
    "partner_key_counts": lambda con, sql: None,
    "partner_key_projects": lambda con, sql: None,
    "partner_postings": lambda con, sql: partner_postings.build(con),
}


# The steps that read the participation facts, and those that read what they build; the steps
# before them read the projects and the base tables only, so the ingest runs them (the keys,
# most of the work) while the facts are being built (`derive.rebuild`).
AFTER_FACTS = (
    "partner_rows",
    "partner_organisations",
    "partner_participations",
    "partner_postings",
)


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Build the index of the whole record in the warehouse being ingested."""
    build_keys(con)
    build_postings(con)


def build_keys(con: duckdb.DuckDBPyConnection) -> None:
    """The index's projects and keys, which do not read the participation facts."""
    _lookups(con)
    _build_steps(con, [(name, sql) for name, sql in _steps(False) if name not in AFTER_FACTS])


def build_postings(con: duckdb.DuckDBPyConnection) -> None:
    """The index's organisations, participations and postings, after `build_keys` and the
    participation facts."""
    _build_steps(con, [(name, sql) for name, sql in _steps(False) if name in AFTER_FACTS])


def _build_steps(con: duckdb.DuckDBPyConnection, steps: list[tuple[str, str]]) -> None:
    """Run `steps` in order, then drop the intermediate tables they made on `con`."""
    for name, sql in steps:
        if name in _BY_SORTING:
            _BY_SORTING[name](con, sql)
            continue
        temporary = "" if name in STORED else "TEMP "
        bounds = {"since": -_FOREVER, "until": _FOREVER} if "$since" in sql else None
        run(con, f"CREATE OR REPLACE {temporary}TABLE {name} AS {sql}", bounds)
    for name, _sql in steps:
        if name not in STORED:
            run(con, f"DROP TABLE IF EXISTS {name}")


def _lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Topic families of every topic code, ancestors of every field path, and the words of
    every topic title, legal-basis title and field name in the warehouse."""
    topics = [t for (t,) in run(con, "SELECT DISTINCT topic FROM projects") if t]
    families = [(t, f) for t in topics for f in topic_families(t)]
    paths = [p for (p,) in run(con, "SELECT DISTINCT path FROM project_fields") if p]
    keys = [(p, k) for p in paths for k in field_paths(p)]
    texts = [
        t
        for (t,) in run(
            con,
            """SELECT topic_title FROM projects UNION SELECT title FROM project_legal_basis
               UNION SELECT path FROM project_fields""",
        )
        if t
    ]
    # A field is found by its own name (the last step of its path), titles by all their words.
    found = [
        (t, w)
        for t in texts
        for w in sorted(words(t.rsplit("/", 1)[-1] if t.startswith("/") else t))
    ]
    for name, columns, rows in (
        ("partner_topic_families", ("topic", "family"), families),
        ("partner_field_keys", ("path", "key"), keys),
        ("partner_text_words", ("text", "word"), found),
    ):
        table = pa.table(
            {
                column: pa.array([row[n] for row in rows], pa.string())
                for n, column in enumerate(columns)
            }
        )
        con.register("partner_lookup", table)
        run(con, f"CREATE OR REPLACE TABLE {name} AS SELECT DISTINCT * FROM partner_lookup")
        con.unregister("partner_lookup")


def compute(query: Query, *, since: int | None = None, until: int | None = None) -> IndexTables:
    """The index of the projects of [`since`, `until`], computed from the base tables (and the
    lookups stored at ingest) by the statements `build` stores: the record of a period."""
    bounded = since is not None or until is not None
    steps = _steps(bounded)
    params: dict[str, object] = {
        "since": since if since is not None else -_FOREVER,
        "until": until if until is not None else _FOREVER,
    }
    found = {}
    for n, (name, _sql) in enumerate(steps):
        if name not in STORED:
            continue
        chain = ",\n".join(f"{step} AS ({sql})" for step, sql in steps[: n + 1])
        found[name] = query(f"WITH {chain} SELECT * FROM {name}", params)
    return _tables(found)


def stored(query: Query) -> IndexTables:
    """The index of the whole record, as stored at ingest."""
    return _tables({name: query(f"SELECT * FROM {name}", None) for name in STORED})


def _tables(found: dict[str, pa.Table]) -> IndexTables:
    return IndexTables(*(found[name] for name in STORED))
