"""`tally` (the measures counted in Arrow) against the measures' own SQL definitions
(`measures.MEASURES`, in a plain GROUP BY) over the real rows of the three-programme
warehouse: equal value for value and type for type, for several subjects, keys, filters and
with or without the rows over all programmes."""

from __future__ import annotations

import pyarrow as pa
import pytest

from bilat.indicators import tally
from bilat.indicators.measures import BREAKDOWN, BY_NAME, PROGRAMME, group_by
from bilat.indicators.scope import resolve
from bilat.warehouse.store import Warehouse

CASES = [
    ({"country": "US"}, ()),
    ({"country": "US"}, ("role",)),
    ({"country": "DE", "programme": "HE"}, ("activity_type", "sme")),
    ({"country": "EU"}, ("year",)),
    ({"country": "US,CA", "role": "participant"}, ("scheme_group",)),
    ({"country": "FR", "role": "coordinator"}, ("scheme_group", "year")),
    ({"country": "THIRD", "years": "2016-"}, ("us_state", "programme_part_code")),
]


def ordered(table: pa.Table) -> list[tuple[object, ...]]:
    rows = [tuple(row.values()) for row in table.to_pylist()]
    return sorted(rows, key=repr)


@pytest.mark.parametrize(("given", "keys"), CASES)
@pytest.mark.parametrize("total", [False, True])
def test_tally_counts_what_measured_counts(
    three_programmes: Warehouse, given: dict[str, str], keys: tuple[str, ...], total: bool
) -> None:
    scope = resolve(three_programmes, **given)
    names = tuple(BY_NAME)
    rows = tally.subject_rows(three_programmes, scope, tally.columns(names, *keys))
    assert rows.num_rows > 0  # the case says something
    found = tally.tally(rows, {k: rows[k] for k in keys}, names, total=total)

    where, params = scope.where()
    subject, more = scope.subject.where()
    selected = ", ".join([PROGRAMME, *keys, *(f"{BY_NAME[n].sql} AS {n}" for n in names)])
    expected = three_programmes.arrow(
        f"""SELECT {selected} FROM participation_facts WHERE {where} AND {subject}
        {group_by(keys, total=total)}""",
        params | more,
    )
    assert found.schema == expected.schema
    assert ordered(found) == ordered(expected)
    if total:
        assert "ALL" in found["programme"].to_pylist()


def test_with_all_adds_what_grouping_sets_add(three_programmes: Warehouse) -> None:
    per_programme = three_programmes.arrow(
        "SELECT programme, role, CAST(sum(participations) AS BIGINT) AS participations, "
        "COALESCE(sum(ec_contribution), 0) AS ec_contribution FROM aggregate_cells "
        "GROUP BY ALL"
    )
    expected = three_programmes.arrow(
        "SELECT CASE WHEN grouping(programme) = 1 THEN 'ALL' ELSE programme END AS programme, "
        "role, CAST(sum(participations) AS BIGINT) AS participations, "
        "COALESCE(sum(ec_contribution), 0) AS ec_contribution FROM aggregate_cells "
        "GROUP BY GROUPING SETS ((programme, role), (role))"
    )
    found = tally.with_all(per_programme, ("role",), ("participations", "ec_contribution"))
    assert found.schema == expected.schema
    assert ordered(found) == ordered(expected)


def test_the_breakdowns_read_only_what_they_count() -> None:
    assert tally.columns(BREAKDOWN, "role") == (
        "programme",
        "funded",
        "pic",
        "project_id",
        "role",
        "ec_contribution",
    )
