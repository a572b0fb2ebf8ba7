"""What partner search reads from the warehouse: the track record, cut at a call year.

Partner search ranks organisations by what they did before: which projects, under which topic,
programme part and fields of science, with whom and in which role. This module is the only
place where that record is read, so that the evaluation can prove that nothing after its cut
year enters the evidence: every query here takes `until` and filters on the project's year
(call year read from the topic code, else start year) before anything else.
"""

from __future__ import annotations

import pyarrow as pa

from bilat.warehouse import partner_index
from bilat.warehouse.partner_index import YEAR, IndexTables
from bilat.warehouse.store import Warehouse


def index(
    warehouse: Warehouse, *, since: int | None = None, until: int | None = None
) -> IndexTables:
    """The partner index of the projects whose year is within [`since`, `until`]: the one
    stored at ingest when no bound is given (every project, those without a year included),
    else computed for the period by the same statements."""
    if since is None and until is None:
        return partner_index.stored(warehouse.arrow)
    return partner_index.compute(warehouse.arrow, since=since, until=until)


def organisations(warehouse: Warehouse) -> pa.Table:
    """The identity of every organisation (name, country, type, city), for display."""
    return warehouse.arrow(
        """SELECT pic, name, short_name, country, activity_type, city, us_state
           FROM organisations ORDER BY pic"""
    )


def years(warehouse: Warehouse) -> list[int]:
    """The project years that have participations, oldest first."""
    return [
        int(row["year"])
        for row in warehouse.lookup(
            f"""SELECT DISTINCT {YEAR} AS year FROM projects p
                WHERE p.participations > 0 AND {YEAR} IS NOT NULL ORDER BY 1"""
        )
    ]
