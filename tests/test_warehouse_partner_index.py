"""The partner index stored at ingest: the same record the evaluation computes, read whole."""

from __future__ import annotations

import duckdb

from bilat.bridges import evidence as records
from bilat.warehouse import partner_index
from bilat.warehouse.store import Warehouse


def test_the_index_stored_at_ingest_is_the_one_computed_from_the_base_tables(
    bundled: Warehouse,
) -> None:
    stored = records.build(partner_index.stored(bundled.arrow), until=None)
    computed = records.build(partner_index.compute(bundled.arrow), until=None)
    assert stored.fingerprint() == computed.fingerprint()
    assert stored.postings["fields"].keys == computed.postings["fields"].keys


def test_every_participation_with_a_pic_is_indexed_once(bundled: Warehouse) -> None:
    """Counted again in plain SQL on the facts: the index loses no participation."""
    plain = bundled.query(
        """SELECT count(*) AS n, count(DISTINCT pic) AS orgs,
                  count(*) FILTER (WHERE role = 'coordinator') AS led
           FROM participation_facts WHERE pic IS NOT NULL"""
    )[0]
    record = records.load(bundled)
    assert len(record.participation_org) == plain["n"]
    assert record.organisations == plain["orgs"]
    assert int(record.participation_coordinator.sum()) == plain["led"]


def test_a_topic_is_indexed_under_every_family_with_the_call_year_dropped(
    bundled: Warehouse,
) -> None:
    row = bundled.query(
        """SELECT programme, project_id, topic FROM projects
           WHERE topic LIKE 'HORIZON-CL5-202_-D3-%' AND participations > 0
           ORDER BY project_id LIMIT 1"""
    )[0]
    record = records.load(bundled)
    project = record.project_keys.index((row["programme"], row["project_id"]))
    for family in ("HORIZON-CL5", "HORIZON-CL5-D3", "HORIZON-CL5-D3-" + row["topic"].split("-")[4]):
        assert project in record.by_family[family].tolist()


def test_the_per_key_counts_match_a_count_of_participations(bundled: Warehouse) -> None:
    """The count of one organisation under one programme part, recounted from the facts."""
    record = records.load(bundled)
    postings = record.postings["part"]
    part = "HORIZON.1.2"
    number = postings.keys[part]
    start, stop = postings.anyrole.bounds[number], postings.anyrole.bounds[number + 1]
    busiest = int(postings.anyrole.values[start:stop].argmax())
    org = int(postings.anyrole.orgs[start + busiest])
    plain = bundled.query(
        """SELECT count(*) AS n FROM participation_facts f JOIN projects p
           USING (programme, project_id)
           WHERE f.pic = $pic AND p.programme_part_code = $part""",
        {"pic": int(record.pics[org]), "part": part},
    )[0]["n"]
    assert postings.anyrole.values[start + busiest] == plain
    assert plain > 1


def test_ingest_keeps_the_index_in_the_warehouse_file(bundled: Warehouse) -> None:
    with duckdb.connect(str(bundled.path), read_only=True) as con:
        tables = {
            name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
    assert set(partner_index.STORED) | set(partner_index.LOOKUPS) <= tables
