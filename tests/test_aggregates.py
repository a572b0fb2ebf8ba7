"""The aggregate tables built at ingest answer every indicator exactly as the facts do.

Indicators read everyone's totals from `aggregate_*` tables (bilat.warehouse.aggregates).
Each test here computes every indicator twice on the real bundled data with the FP7 and H2020
extracts: once from the aggregate tables as ingest built them, once from a copy of the
warehouse whose aggregate tables hold one cell per participation and no masks, so that every
sum is a sum over the participations themselves and every distinct count is counted on the
facts. The two answers must be the same, value for value, over a spread of filters.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from bilat import indicators
from bilat.errors import ParameterError
from bilat.indicators import everyone
from bilat.indicators.scope import resolve
from bilat.warehouse.store import Warehouse

# One cell per participation: the sums over these cells are the counts over the facts.
_ONE_CELL_EACH = """
CREATE OR REPLACE TABLE aggregate_cells AS
SELECT programme, year, year_basis, signature_year, programme_part_code, programme_part, pillar,
       scheme_group, funding_scheme, role, activity_type, sme,
       1::BIGINT AS participations,
       CAST(funded AS BIGINT) AS funded_participations,
       CAST(NOT funded AS BIGINT) AS unfunded_participations,
       CAST(COALESCE(role = 'coordinator', false) AS BIGINT) AS coordinated_projects,
       ec_contribution, net_ec_contribution
FROM participation_facts;
CREATE OR REPLACE TABLE aggregate_country_cells AS
SELECT programme, year, programme_part_code, scheme_group, role, activity_type, country,
       country_status, 1::BIGINT AS participations,
       CAST(funded AS BIGINT) AS funded_participations,
       CAST(NOT funded AS BIGINT) AS unfunded_participations,
       CAST(COALESCE(role = 'coordinator', false) AS BIGINT) AS coordinated_projects,
       ec_contribution, net_ec_contribution
FROM participation_facts WHERE country IS NOT NULL;
CREATE OR REPLACE TABLE aggregate_country_years AS
SELECT programme, year, country, country_status, participations, funded_participations,
       unfunded_participations, coordinated_projects, ec_contribution, net_ec_contribution
FROM aggregate_country_cells;
CREATE OR REPLACE TABLE aggregate_field_cells AS
SELECT f.programme, f.year, f.programme_part_code, f.scheme_group, f.role, f.activity_type,
       x.level1, 1::BIGINT AS participations
FROM participation_facts f
LEFT JOIN (SELECT DISTINCT programme, project_id, level1 FROM project_field_levels) x
       USING (programme, project_id);
CREATE OR REPLACE TABLE aggregate_subfield_cells AS
SELECT f.programme, f.year, f.programme_part_code, f.scheme_group, f.role, f.activity_type,
       x.level1, x.level2, 1::BIGINT AS participations
FROM participation_facts f LEFT JOIN project_field_levels x USING (programme, project_id);
CREATE OR REPLACE TABLE aggregate_field_years AS
SELECT programme, year, level1, participations FROM aggregate_field_cells;
CREATE OR REPLACE TABLE aggregate_subfield_years AS
SELECT programme, year, level1, level2, participations FROM aggregate_subfield_cells;
DELETE FROM aggregate_reach;
"""

FILTERS: list[dict[str, Any]] = [
    {},
    {"programme": "HE"},
    {"programme": ["FP7", "H2020"]},  # two programmes of three: counted on the facts
    {"years": "2014-2020"},
    {"years": "2019-"},
    {"programme_part": ["Health", "MSCA"]},
    {"role": ["participant", "associatedPartner"]},
    {"organisation_type": "HES", "programme": "H2020"},
    {"years": "2014-2020", "organisation_type": "PRC"},  # two columns: counted on the facts
    {"scheme_group": "collaborative"},
    {"role": "coordinator", "organisation_type": "HES"},  # two columns: counted on the facts
    {"field": "natural sciences"},  # names projects: the cells one per participation
]
SUBJECTS = ["DE", "EU", "US,CA"]


@pytest.fixture(scope="module")
def direct(three_programmes: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The same warehouse, its aggregate tables at the grain of one participation."""
    path = tmp_path_factory.mktemp("direct") / "warehouse.duckdb"
    shutil.copy2(three_programmes.path, path)
    with duckdb.connect(str(path)) as con:
        con.execute(_ONE_CELL_EACH)
    return Warehouse(Path(path))


def _answer(warehouse: Warehouse, name: str, params: dict[str, Any]) -> pa.Table | str:
    warehouse.forget()
    try:
        return indicators.get(name)(warehouse, **params)
    except ParameterError as error:
        return str(error)


def _same(fast: pa.Table | str, slow: pa.Table | str) -> None:
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
        return
    assert fast.schema == slow.schema
    assert fast.to_pylist() == slow.to_pylist()


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
@pytest.mark.parametrize("name", list(indicators.REGISTRY))
def test_every_indicator_from_the_aggregates_equals_the_direct_count_for_the_us(
    three_programmes: Warehouse, direct: Warehouse, name: str, filters: dict[str, Any]
) -> None:
    params = {"country": "US", **filters}
    _same(_answer(three_programmes, name, params), _answer(direct, name, params))


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("name", list(indicators.REGISTRY))
def test_every_indicator_from_the_aggregates_equals_the_direct_count_for_other_subjects(
    three_programmes: Warehouse, direct: Warehouse, name: str, subject: str
) -> None:
    for filters in ({}, {"years": "2015-2022"}):
        params = {"country": subject, **filters}
        _same(_answer(three_programmes, name, params), _answer(direct, name, params))


@pytest.mark.parametrize(
    ("filters", "masked"),
    [
        ({}, True),
        ({"programme": "HE"}, True),
        ({"years": "2016-2021"}, True),
        ({"programme_part": ["MSCA", "ERC"]}, True),
        ({"role": "coordinator"}, True),
        ({"organisation_type": "HES", "programme": "H2020"}, True),
        ({"programme": ["FP7", "HE"]}, False),
        ({"years": "2016-2021", "role": "coordinator"}, False),
    ],
)
def test_distinct_counts_come_from_the_masks_unless_two_columns_are_filtered(
    three_programmes: Warehouse, filters: dict[str, Any], masked: bool
) -> None:
    scope = resolve(three_programmes, country="US", **filters)
    sql, _ = everyone.reach(three_programmes, scope, total=len(scope.programmes) > 1)
    assert ("aggregate_reach" in sql) is masked
