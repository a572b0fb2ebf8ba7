"""Everyone's distinct organisations and projects under the filters, the one total that the
aggregate cells cannot sum: read from the masks of `aggregate_reach` when the filters allow,
else counted on the facts.

`bilat.warehouse.aggregates` gives every organisation (project) a bit mask per filter column:
the values it was seen with. A filter on one column (any values, any year range) reaches the
organisations whose mask meets the filter's, so the count is a sum over a few thousand masks
instead of a distinct count over every participation. Filters on two columns at once are
conditions on the same row, which per-column masks cannot tell apart from two different rows:
those, and a programme selection that is neither one programme nor all, count on the facts.
"""

from __future__ import annotations

from collections.abc import Callable

from bilat.indicators.measures import PROGRAMME, group_by
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

_FROM_MASKS = """
SELECT programmes AS programme,
       CAST(sum(n) FILTER (WHERE entity = 'pic') AS BIGINT) AS organisations,
       CAST(sum(n) FILTER (WHERE entity = 'project_id') AS BIGINT) AS projects
FROM aggregate_reach
WHERE dimension = $reach_dimension AND list_contains($reach_sets, programmes)
      AND {meets}
GROUP BY programmes
"""


# A filter on one column: its name, and the values it keeps (a test of the value's text).
Restriction = tuple[str, Callable[[str], bool]]


def restrictions(scope: Scope) -> list[Restriction]:
    """The filter columns (besides the programme) that the scope restricts, each with a test
    of the values (as `aggregate_bits` writes them) that the filter keeps."""
    f = scope.filters
    found: list[Restriction] = []
    if f.year_from is not None or f.year_to is not None:
        first, last = f.year_from, f.year_to
        found.append(
            (
                "year",
                lambda value: (
                    (first is None or int(value) >= first) and (last is None or int(value) <= last)
                ),
            )
        )
    for column, values in (
        ("programme_part_code", f.programme_parts),
        ("scheme_group", f.scheme_groups),
        ("role", f.roles),
        ("activity_type", f.organisation_types),
    ):
        if values:
            found.append((column, values.__contains__))
    return found


def reach(warehouse: Warehouse, scope: Scope, *, total: bool) -> tuple[str, dict[str, object]]:
    """A query of (programme, organisations, projects) for everyone under the scope's filters,
    per programme and, when `total`, all of them together (`ALL`)."""
    where, params = scope.where()
    fallback = (
        f"SELECT {PROGRAMME}, count(DISTINCT pic) AS organisations, "
        f"count(DISTINCT project_id) AS projects FROM participation_facts WHERE {where} "
        f"{group_by((), total=total)}",
        params,
    )
    bits = [
        (str(row["dimension"]), str(row["value"]), int(row["bit"]))
        for row in warehouse.lookup("SELECT dimension, value, bit FROM aggregate_bits")
    ]
    masked = {
        str(row["dimension"])
        for row in warehouse.lookup("SELECT DISTINCT dimension FROM aggregate_reach")
    }
    loaded = {
        row["programme"]
        for row in warehouse.lookup(
            "SELECT DISTINCT programme FROM participation_facts ORDER BY programme"
        )
    }
    columns = restrictions(scope)
    # The masks know the filter columns only; a filter on fields of science names projects.
    named_projects = bool(scope.filters.fields)
    if (
        named_projects
        or len(columns) > 1
        or not masked
        or (total and set(scope.programmes) != loaded)
    ):
        return fallback
    sets = list(scope.programmes) + (["ALL"] if total else [])
    if not columns:
        # Every organisation has a mask in every column: any column counts them all.
        return _FROM_MASKS.format(meets="true"), {
            "reach_dimension": sorted(masked)[0],
            "reach_sets": sets,
        }
    ((dimension, keeps),) = columns
    if dimension not in masked:
        return fallback
    mask = sum(1 << bit for column, value, bit in bits if column == dimension and keeps(value))
    return _FROM_MASKS.format(meets="(mask & $reach_mask) != 0"), {
        "reach_dimension": dimension,
        "reach_sets": sets,
        "reach_mask": mask,
    }
