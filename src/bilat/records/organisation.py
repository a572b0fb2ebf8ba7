"""One organisation (by PIC): identity, participations over time, projects and partners."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from bilat.errors import ParameterError
from bilat.indicators.coverage import coverage
from bilat.warehouse.store import Warehouse

PARTNER_LIMIT = 20


@dataclass(frozen=True)
class Organisation:
    """What the organisation page and API show."""

    identity: dict[str, Any]
    by_year: pa.Table
    projects: pa.Table
    partner_organisations: pa.Table
    partner_countries: pa.Table


def parse_pic(text: str) -> int:
    """A PIC: the nine-digit participant identification code."""
    if re.fullmatch(r"[0-9]{1,12}", text) is None:
        raise ParameterError("pic", f"{text!r} is not a PIC; a PIC is a number like 999467340")
    return int(text)


def organisation(warehouse: Warehouse, pic: int) -> Organisation | None:
    """The organisation with this PIC, or None when no participation names it."""
    found = warehouse.query("SELECT * FROM organisations WHERE pic = $pic", {"pic": pic})
    if not found:
        return None
    params = {"pic": pic}
    by_year = warehouse.arrow(
        """SELECT programme, year, count(*) AS participations,
                  sum(ec_contribution) AS ec_contribution
           FROM participation_facts WHERE pic = $pic GROUP BY ALL ORDER BY year, programme""",
        params,
    )
    cover = coverage(warehouse)
    complete = [
        not cover.is_incomplete(programme, year)
        for programme, year in zip(
            by_year["programme"].to_pylist(), by_year["year"].to_pylist(), strict=True
        )
    ]
    # A year still being signed is marked, so that its short bar is not read as a fall.
    by_year = by_year.append_column("complete", pa.array(complete, pa.bool_()))
    projects = warehouse.arrow(
        """SELECT f.programme, f.project_id, f.acronym, p.title, f.year, f.programme_part,
                  f.role, f.ec_contribution, p.participations
           FROM participation_facts f LEFT JOIN projects p USING (programme, project_id)
           WHERE f.pic = $pic ORDER BY f.year DESC NULLS LAST, f.programme, f.project_id""",
        params,
    )
    partners = """WITH mine AS (SELECT DISTINCT programme, project_id FROM participation_facts
                                WHERE pic = $pic),
                  others AS (SELECT f.* FROM participation_facts f JOIN mine
                             USING (programme, project_id) WHERE f.pic IS DISTINCT FROM $pic)"""
    partner_organisations = warehouse.arrow(
        f"""{partners}
            SELECT pic, any_value(name) AS name, any_value(country) AS country,
                   count(DISTINCT project_id) AS shared_projects
            FROM others WHERE pic IS NOT NULL GROUP BY pic
            ORDER BY shared_projects DESC, pic LIMIT {PARTNER_LIMIT}""",
        params,
    )
    partner_countries = warehouse.arrow(
        f"""{partners}
            SELECT o.country, c.name, count(*) AS participations,
                   count(DISTINCT o.project_id) AS shared_projects
            FROM others o LEFT JOIN countries c ON c.cordis_code = o.country
            GROUP BY ALL ORDER BY participations DESC, o.country""",
        params,
    )
    return Organisation(found[0], by_year, projects, partner_organisations, partner_countries)
