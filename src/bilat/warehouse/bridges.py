"""What partner search reads from the warehouse: the track record, cut at a call year.

Partner search ranks organisations by what they did before: which projects, under which topic,
programme part and fields of science, with whom and in which role. This module is the only
place where that record is read, so that the evaluation can prove that nothing after its cut
year enters the evidence: every query here takes `until` and filters on the project's year
(call year read from the topic code, else start year) before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from bilat.warehouse.store import Warehouse

# A project's year for the split: the call year when the topic code names one (projects of
# one call are judged together), else the start year.
_YEAR = "COALESCE(p.call_year, p.year)"
_FOREVER = 9999


@dataclass(frozen=True)
class RecordTables:
    """The projects, participations and fields of science up to a year, as Arrow tables."""

    projects: pa.Table
    participations: pa.Table
    fields: pa.Table
    legal_bases: pa.Table


def record(
    warehouse: Warehouse, *, until: int | None = None, since: int | None = None
) -> RecordTables:
    """Every project whose year is within [`since`, `until`], with its participations.

    Projects without a year are kept only when no bound is given: the split cannot place them.
    """
    bounds = {
        "since": since if since is not None else -_FOREVER,
        "until": until if until is not None else _FOREVER,
    }
    bounded = since is not None or until is not None
    scope = (
        f"{_YEAR} BETWEEN $since AND $until"
        if bounded
        else f"({_YEAR} BETWEEN $since AND $until OR {_YEAR} IS NULL)"
    )
    # Projects are numbered in (programme, project_id) order and organisations in PIC order:
    # the numbers index the arrays partner search builds from these tables.
    chosen = f"""chosen AS (SELECT p.programme, p.project_id,
                                   row_number() OVER (ORDER BY p.programme, p.project_id) - 1
                                       AS number
                            FROM projects p WHERE {scope} AND p.participations > 0)"""
    projects = warehouse.arrow(
        f"""WITH {chosen}
            SELECT p.programme, p.project_id, p.acronym, {_YEAR} AS year, p.topic,
                   p.topic_title, p.programme_part_code, p.programme_part
            FROM projects p JOIN chosen USING (programme, project_id)
            ORDER BY p.programme, p.project_id""",
        bounds,
    )
    participations = warehouse.arrow(
        f"""WITH {chosen}
            SELECT c.number AS project_number,
                   dense_rank() OVER (ORDER BY f.pic) - 1 AS org_number,
                   f.programme, f.project_id, f.pic, f.role, f.country,
                   f.country_status, COALESCE(f.ec_contribution, 0)::DOUBLE AS ec_contribution
            FROM participation_facts f JOIN chosen c USING (programme, project_id)
            WHERE f.pic IS NOT NULL
            ORDER BY f.programme, f.project_id, f.pic, f.role""",
        bounds,
    )
    fields = warehouse.arrow(
        f"""WITH {chosen}
            SELECT DISTINCT c.number, f.programme, f.project_id, f.path
            FROM project_fields f JOIN chosen c USING (programme, project_id)
            WHERE f.path IS NOT NULL ORDER BY ALL""",
        bounds,
    )
    legal_bases = warehouse.arrow(
        f"""WITH {chosen}
            SELECT DISTINCT c.number, l.programme, l.project_id, l.title
            FROM project_legal_basis l JOIN chosen c USING (programme, project_id)
            WHERE l.title IS NOT NULL ORDER BY ALL""",
        bounds,
    )
    return RecordTables(projects, participations, fields, legal_bases)


def organisations(warehouse: Warehouse) -> pa.Table:
    """The identity of every organisation (name, country, type, city), for display."""
    return warehouse.arrow(
        """SELECT pic, name, short_name, country, activity_type, city, us_state
           FROM organisations ORDER BY pic"""
    )


# Associated to Horizon Europe's Pillar II only, and on other continents: partners across the
# Atlantic from the European side means Europe and its neighbourhood, not these.
_ELSEWHERE = ("CA", "KR", "NZ", "JP")


def european_countries(warehouse: Warehouse) -> list[str]:
    """CORDIS codes of the member states and the European associated countries of any
    programme (Canada, South Korea, New Zealand and Japan are left out)."""
    return [
        row["cordis_code"]
        for row in warehouse.lookup(
            """SELECT DISTINCT cordis_code FROM country_status
               WHERE status IN ('member_state', 'associated') ORDER BY 1"""
        )
        if row["cordis_code"] not in _ELSEWHERE
    ]


def years(warehouse: Warehouse) -> list[int]:
    """The project years that have participations, oldest first."""
    return [
        int(row["year"])
        for row in warehouse.lookup(
            f"""SELECT DISTINCT {_YEAR} AS year FROM projects p
                WHERE p.participations > 0 AND {_YEAR} IS NOT NULL ORDER BY 1"""
        )
    ]
