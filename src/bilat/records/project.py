"""One project: identity, dates, programme part, scheme, amounts and participants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from bilat.errors import ParameterError
from bilat.indicators.filters import parse_programmes
from bilat.warehouse.store import Warehouse


@dataclass(frozen=True)
class Project:
    """What the project page and API show."""

    identity: dict[str, Any]
    participants: pa.Table
    by_country: pa.Table
    fields: list[str]

    @property
    def cordis_url(self) -> str:
        """The project's page on CORDIS (the same address for all three programmes)."""
        return f"https://cordis.europa.eu/project/id/{self.identity['project_id']}"


def parse_key(programme: str, project_id: str) -> tuple[str, int]:
    """A project is named by its programme and grant number."""
    (code,) = parse_programmes(programme) or (None,)
    if code is None:
        raise ParameterError("programme", "use FP7, H2020 or HE")
    if re.fullmatch(r"[0-9]{1,12}", project_id) is None:
        raise ParameterError("project_id", f"{project_id!r} is not a project (grant) number")
    return code, int(project_id)


def project(warehouse: Warehouse, programme: str, project_id: int) -> Project | None:
    """The project, or None when the warehouse does not know it."""
    params = {"programme": programme, "id": project_id}
    found = warehouse.query(
        "SELECT * FROM projects WHERE programme = $programme AND project_id = $id", params
    )
    if not found:
        return None
    participants = warehouse.arrow(
        """SELECT pic, name, country, city, us_state, role, activity_type, sme,
                  ec_contribution, net_ec_contribution
           FROM participation_facts WHERE programme = $programme AND project_id = $id
           ORDER BY role = 'coordinator' DESC, ec_contribution DESC NULLS LAST, name""",
        params,
    )
    by_country = warehouse.arrow(
        """SELECT f.country, c.name, count(*) AS participations,
                  sum(f.ec_contribution) AS ec_contribution
           FROM participation_facts f LEFT JOIN countries c ON c.cordis_code = f.country
           WHERE f.programme = $programme AND f.project_id = $id
           GROUP BY ALL ORDER BY participations DESC, f.country""",
        params,
    )
    fields = [
        row["title"]
        for row in warehouse.query(
            """SELECT DISTINCT path AS title FROM project_fields
               WHERE programme = $programme AND project_id = $id ORDER BY 1""",
            params,
        )
    ]
    return Project(found[0], participants, by_country, fields)
