"""What the outcomes of the dialogue read from the warehouse: the framework-programme
projects that given organisations share, and organisations like given ones with their
activity before a date (for a comparison group).

A project is dated by its start date when the project table gives one, else by its year
(start year, else the call year read from the topic code): `before` asks whether it started
on or before a date, which for a project known only by its year means a year up to the
date's year (a project of the event's own year is never counted as "after").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pyarrow as pa

from bilat.warehouse.store import Warehouse

# A project's timing against a date `?` (and its year `?`): before (or at) it, after it.
_BEFORE = (
    "(p.start_date IS NOT NULL AND p.start_date <= ?) OR (p.start_date IS NULL AND p.year <= ?)"
)


def joint_projects(warehouse: Warehouse, pics: Sequence[int]) -> pa.Table:
    """Every project in which two of `pics` take part: one row per pair (lower PIC first)
    and project, with the project's acronym, title, start date and year."""
    if len(pics) < 2:
        pics = [*pics, -1, -2]  # keeps the query's shape; no PIC is negative
    sql = """
        WITH chosen AS (
            SELECT DISTINCT programme, project_id, pic FROM participations
            WHERE pic IN (SELECT unnest(?::BIGINT[]))
        )
        SELECT a.pic AS pic_a, b.pic AS pic_b, a.programme, a.project_id,
               p.acronym, p.title, p.start_date, p.year, p.year_basis
        FROM chosen a
        JOIN chosen b ON a.programme = b.programme AND a.project_id = b.project_id
                     AND a.pic < b.pic
        JOIN projects p ON p.programme = a.programme AND p.project_id = a.project_id
        ORDER BY pic_a, pic_b, p.year NULLS LAST, a.programme, a.project_id
    """
    return warehouse.arrow(sql, [sorted(set(pics))])


def activity(
    warehouse: Warehouse,
    *,
    before: date,
    pics: Sequence[int] = (),
    countries: Sequence[str] = (),
    types: Sequence[str] = (),
) -> pa.Table:
    """Organisations (those of `pics`, or every one of `countries` and activity `types`) with
    their name, ISO country, activity type and the projects they took part in on or before
    `before`."""
    where = (
        "o.pic IN (SELECT unnest(?::BIGINT[]))"
        if pics
        else "o.country_iso IN (SELECT unnest(?::VARCHAR[])) "
        "AND o.activity_type IN (SELECT unnest(?::VARCHAR[]))"
    )
    params: list[object] = [sorted(set(pics))] if pics else [list(countries), list(types)]
    sql = f"""
        WITH prior AS (
            SELECT r.pic, count(DISTINCT (r.programme, r.project_id)) AS projects_before
            FROM participations r
            JOIN projects p ON p.programme = r.programme AND p.project_id = r.project_id
            WHERE {_BEFORE}
            GROUP BY r.pic
        )
        SELECT o.pic, o.name, o.country_iso, o.activity_type,
               COALESCE(prior.projects_before, 0) AS projects_before
        FROM organisations o LEFT JOIN prior ON prior.pic = o.pic
        WHERE {where}
        ORDER BY o.pic
    """
    return warehouse.arrow(sql, [before, before.year, *params])


def projects_after(warehouse: Warehouse, day: date) -> int:
    """How many projects start after `day` (by start date, else by year). None means the data
    end before `day`: no joint project after it can be read, which is not the same as none."""
    rows = warehouse.query(
        f"SELECT count(*) AS n FROM projects p WHERE NOT ({_BEFORE})", [day, day.year]
    )
    return int(rows[0]["n"])
