"""The US state of every US participation, settled over all the rows loaded.

A row's address is evidence, but not always enough (see `cordis.geography`): a mistyped ZIP
code contradicts the city, and some rows have no address at all. The organisation's other
rows, in any file and programme, are further evidence, so the states are settled here, at
each rebuild, rather than file by file. Each row whose ZIP code and place disagree is counted
in `load_warnings` under its file, with the state that was taken.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import duckdb
import pyarrow as pa

from bilat.cordis import geography
from bilat.warehouse.sql import run

CONFLICT = "US state: ZIP code and place disagree"

Address = tuple[int | None, str | None, str | None, str | None]  # pic, post code, city, name


def settle_all(con: duckdb.DuckDBPyConnection) -> None:
    """Set `us_state` and `us_state_basis` on every US row, and count the conflicts."""
    found = run(
        con,
        """SELECT pic, post_code, city, name, count(*) FROM participation_rows
           WHERE country = 'US' GROUP BY ALL""",
    )
    seen = {row[:4]: geography.evidence(row[1], row[2]) for row in found}
    organisations = _organisation_states({row[:4]: int(row[4]) for row in found}, seen)
    settled = {
        address: geography.settle(
            evidence,
            name=geography.state_in_name(address[3]),
            organisation=organisations.get(address[0]),
        )
        for address, evidence in seen.items()
    }
    addresses = list(settled)
    con.register(
        "us_settled",
        pa.table(
            {
                "pic": pa.array([a[0] for a in addresses], pa.int64()),
                "post_code": pa.array([a[1] for a in addresses], pa.string()),
                "city": pa.array([a[2] for a in addresses], pa.string()),
                "name": pa.array([a[3] for a in addresses], pa.string()),
                "state": pa.array([settled[a][0] for a in addresses], pa.string()),
                "basis": pa.array([settled[a][1] for a in addresses], pa.string()),
                "conflict": pa.array([_conflict(seen[a], settled[a][0]) for a in addresses]),
            }
        ),
    )
    try:
        _apply(con)
    finally:
        con.unregister("us_settled")


def _organisation_states(
    counts: dict[Address, int], seen: dict[Address, geography.Evidence]
) -> dict[int, str]:
    """The state of each organisation (PIC) whose rows, where the address alone settles
    it, point to one state more often than to any other."""
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    for address, rows in counts.items():
        plain = seen[address].plain
        if address[0] is not None and plain:
            votes[address[0]][plain] += rows
    found = {}
    for pic, tally in votes.items():
        ranked = tally.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            found[pic] = ranked[0][0]
    return found


def _conflict(seen: geography.Evidence, state: str | None) -> str | None:
    """How a conflict reads in the load warnings, or None when there was none."""
    if not seen.conflict:
        return None
    return f"ZIP code says {seen.zip}, {seen.place_basis} says {seen.place}: {state} taken"


def _apply(con: duckdb.DuckDBPyConnection) -> None:
    same = """s.pic IS NOT DISTINCT FROM p.pic AND s.post_code IS NOT DISTINCT FROM p.post_code
              AND s.city IS NOT DISTINCT FROM p.city AND s.name IS NOT DISTINCT FROM p.name"""
    run(
        con,
        f"""UPDATE participation_rows p SET us_state = s.state, us_state_basis = s.basis
            FROM us_settled s WHERE p.country = 'US' AND {same}""",
    )
    run(con, "DELETE FROM load_warnings WHERE warning = ?", [CONFLICT])
    run(
        con,
        f"""INSERT INTO load_warnings
            SELECT p.source_id, ?, concat_ws(' / ', p.post_code, p.city) || ': ' || s.conflict,
                   count(*)
            FROM participation_rows p JOIN us_settled s ON {same}
            WHERE p.country = 'US' AND s.conflict IS NOT NULL GROUP BY ALL""",
        [CONFLICT],
    )
