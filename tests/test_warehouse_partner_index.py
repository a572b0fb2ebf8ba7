"""The partner index stored at ingest: the same record the evaluation computes, read whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from pytest import MonkeyPatch

from bilat.bridges import evidence as records
from bilat.warehouse import partner_index, partner_keyed, partner_postings
from bilat.warehouse.store import Warehouse


def test_the_index_stored_at_ingest_is_the_one_computed_from_the_base_tables(
    bundled: Warehouse,
) -> None:
    stored = records.build(partner_index.stored(bundled.arrow), until=None)
    computed = records.build(partner_index.compute(bundled.arrow), until=None)
    assert stored.fingerprint() == computed.fingerprint()
    assert stored.postings["fields"].keys == computed.postings["fields"].keys


def test_every_participation_with_a_pic_is_indexed_once(bundled: Warehouse) -> None:
    """Counted again in plain SQL on the facts and the earlier record: the index loses no
    participation, and those of the warehouse's own tables are the listed ones."""
    plain = bundled.query(
        """WITH every AS (SELECT pic, role, true AS own FROM participation_facts
                          UNION ALL SELECT pic, role, false FROM record_participations)
           SELECT count(*) AS n, count(DISTINCT pic) AS orgs,
                  count(*) FILTER (WHERE role = 'coordinator') AS led,
                  count(*) FILTER (WHERE own) AS own,
                  count(DISTINCT pic) FILTER (WHERE own) AS named
           FROM every WHERE pic IS NOT NULL"""
    )[0]
    record = records.load(bundled)
    assert len(record.participation_org) == plain["n"]
    assert record.organisations == plain["orgs"]
    assert int(record.participation_coordinator.sum()) == plain["led"]
    listed = record.project_listed[record.participation_project]
    assert int(listed.sum()) == plain["own"]
    assert int(record.named.sum()) == plain["named"]


def test_the_earlier_record_is_evidence_only(bundled: Warehouse) -> None:
    """The reduced Horizon 2020 participations are loaded whole, indexed by part, and counted
    in no figure: the observatory's participations are the Horizon Europe table's alone."""
    loaded = bundled.query(
        """SELECT programme, count(*) AS n, count(DISTINCT project_rcn) AS projects
           FROM record_participations GROUP BY programme"""
    )
    # The file's own counts (data/README.md): 144,726 participations in 31,451 projects.
    assert loaded == [{"programme": "H2020", "n": 144_726, "projects": 31_451}]
    assert bundled.query("SELECT count(*) AS n FROM participations")[0]["n"] == 80_276
    assert (
        bundled.query("SELECT count(*) AS n FROM participations WHERE programme = 'H2020'")[0]["n"]
        == 0
    )
    record = records.load(bundled)
    earlier = ~record.project_listed
    assert int(earlier.sum()) == 31_451
    assert int(record.project_year[earlier].max()) <= 2022
    msca = set(record.by_part["HORIZON.1.2"].tolist())
    fellowships = bundled.query(
        """SELECT count(DISTINCT project_rcn) AS n FROM record_project_parts
           WHERE part = 'MSCA'"""
    )[0]["n"]
    assert len([p for p in msca if earlier[p]]) == fellowships


def test_the_earlier_record_gives_way_to_the_programmes_own_tables(
    three_programmes: Warehouse,
) -> None:
    """With the H2020 organization table loaded, the index reads it, not the reduced record
    (whose projects are keyed by RCN and would count the same participations twice)."""
    record = records.load(three_programmes)
    assert bool(record.project_listed.all())
    assert "H2020" in {programme for programme, _ in record.project_keys}


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
    """The count of one organisation under one programme part, recounted from the facts and
    the earlier record (Horizon 2020's MSCA projects are indexed under Horizon Europe's)."""
    record = records.load(bundled)
    postings = record.postings["part"]
    part = "HORIZON.1.2"
    number = postings.keys[part]
    start, stop = postings.anyrole.bounds[number], postings.anyrole.bounds[number + 1]
    busiest = int(postings.anyrole.values[start:stop].argmax())
    org = int(postings.anyrole.orgs[start + busiest])
    plain = bundled.query(
        """SELECT (SELECT count(*) FROM participation_facts f JOIN projects p
                   USING (programme, project_id)
                   WHERE f.pic = $pic AND p.programme_part_code = $part)
                + (SELECT count(*) FROM record_participations r
                   WHERE r.pic = $pic AND r.project_rcn IN (
                       SELECT project_rcn FROM record_project_parts WHERE part = 'MSCA'))
                  AS n""",
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


def test_the_postings_counted_by_sorting_are_the_sql_definitions_rows_in_order(
    three_programmes: Warehouse, bundled_path: Path, tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    """The ingest counts the postings by sorting packed pairs (`partner_postings`), not by the
    SQL statement the index of a period uses: the two give the same rows in the same order, in
    one batch and in many small ones (whose key ranges must neither skip nor repeat a key)."""
    for warehouse in (three_programmes, Warehouse(bundled_path)):
        stored = partner_index.stored(warehouse.arrow).postings
        computed = partner_index.compute(warehouse.arrow).postings
        assert stored.num_rows > 10_000
        assert stored.equals(computed)
    copy = tmp_path / "copy.duckdb"
    shutil.copy(bundled_path, copy)
    monkeypatch.setattr(partner_postings, "BATCH_ROWS", 5_000)
    with duckdb.connect(str(copy)) as con:
        assert len(partner_postings._batches(con)) > 10
        partner_postings.build(con)
    assert partner_index.stored(Warehouse(copy).arrow).postings.equals(computed)


def test_the_keys_made_distinct_by_sorting_are_the_sql_definitions_rows_in_order(
    three_programmes: Warehouse, bundled_path: Path, tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    """The ingest makes the key rows distinct, counts and numbers them by sorting packed
    integers (`partner_keyed`), not by the SQL statements the index of a period uses: the two
    give the same keys and key projects in the same order, in one batch and in many small ones
    (whose name ranges must neither skip nor repeat a key, nor restart its numbering)."""
    for warehouse in (three_programmes, Warehouse(bundled_path)):
        stored = partner_index.stored(warehouse.arrow)
        computed = partner_index.compute(warehouse.arrow)
        assert stored.key_projects.num_rows > 100_000
        assert stored.keys.equals(computed.keys)
        assert stored.key_projects.equals(computed.key_projects)
    copy = tmp_path / "copy.duckdb"
    shutil.copy(bundled_path, copy)
    monkeypatch.setattr(partner_keyed, "BATCH_ROWS", 20_000)
    ranges: list[list[tuple[int, int]]] = []
    batches = partner_keyed._batches
    monkeypatch.setattr(
        partner_keyed, "_batches", lambda con: ranges.append(batches(con)) or ranges[-1]
    )
    with duckdb.connect(str(copy)) as con:
        partner_index.build(con)
    assert len(ranges[0]) > 10
    rebuilt = partner_index.stored(Warehouse(copy).arrow)
    for name in ("keys", "key_projects", "postings"):
        assert getattr(rebuilt, name).equals(getattr(computed, name))


def test_projects_whose_participations_all_lack_a_pic_add_no_posting(
    bundled_path: Path, tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    """A project is indexed whether or not a participation of it names a PIC; one with none
    has keys but nothing to count under them. The postings counted by sorting skip it as the
    SQL definition does (in the real data every project has one, so it is made here: the PICs
    of every participation of a thousand projects taken away)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(bundled_path, copy)
    monkeypatch.setattr(partner_postings, "BATCH_ROWS", 5_000)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            """UPDATE participation_facts SET pic = NULL
               WHERE (programme, project_id) IN (
                   SELECT (programme, project_id) FROM projects
                   WHERE participations > 0 ORDER BY project_id LIMIT 1000)"""
        )
        partner_index.build(con)
        empty = con.execute(
            """SELECT count(*) FROM partner_projects c WHERE NOT EXISTS (
                   SELECT 1 FROM partner_participations p WHERE p.project = c.project)"""
        ).fetchall()[0][0]
    assert empty == 1_000
    warehouse = Warehouse(copy)
    stored = partner_index.stored(warehouse.arrow).postings
    assert stored.equals(partner_index.compute(warehouse.arrow).postings)


def test_each_key_holds_each_project_once_and_counts_them(
    bundled: Warehouse, three_programmes: Warehouse
) -> None:
    """The keyed projects are distinct (`partner_keyed`), so the keys' project counts are row
    counts: a project keyed twice would show here as a repeated pair and a count above the
    distinct one."""
    for warehouse in (bundled, three_programmes):
        found = warehouse.query(
            """SELECT count(*) AS pairs, count(DISTINCT (key, project)) AS distinct_pairs,
                      (SELECT count(*) FROM partner_keys k
                       WHERE k.projects <> (SELECT count(DISTINCT project)
                                            FROM partner_key_projects e
                                            WHERE e.key = k.number)) AS miscounted
               FROM partner_key_projects"""
        )[0]
        assert found["pairs"] > 100_000
        assert found["pairs"] == found["distinct_pairs"]
        assert found["miscounted"] == 0


def test_the_keys_are_numbered_in_kind_then_key_order(
    bundled: Warehouse, three_programmes: Warehouse
) -> None:
    """Keys are numbered among every candidate key (`partner_key_names`) and renumbered among
    those some project holds: the numbers still run 0, 1, 2... in (kind, key) order, which
    the postings' key ranges and partner search's lookups rely on."""
    for warehouse in (bundled, three_programmes):
        keys = warehouse.query("SELECT number, kind, key, projects FROM partner_keys")
        assert len(keys) > 1_000
        assert [k["number"] for k in keys] == list(range(len(keys)))
        named = [(k["kind"], k["key"]) for k in keys]
        assert named == sorted(set(named))
        assert min(k["projects"] for k in keys) >= 1
