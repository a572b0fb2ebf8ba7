"""The country beside its peers: the same headline figures for a set of third countries, and
each one's rank among all non-associated third countries of the programme.

A country associated to part of a programme only (Canada to Horizon Europe's Pillar II from
the 2024 calls) is a third country for its other participations: it is ranked by those, the
participations under the status in force for each one, and the table says how many they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from bilat.cordis.programme_parts import PROGRAMMES
from bilat.indicators import caveats
from bilat.indicators.inside import distinct_counts, ints
from bilat.indicators.measures import ADDITIVE, BREAKDOWN, cell_sums
from bilat.indicators.participation import rank
from bilat.indicators.registry import Option, indicator
from bilat.indicators.scope import Scope, parse_subject
from bilat.warehouse.store import Warehouse

PEERS = "US,CA,JP,KR,CN,AU,BR,IN,ZA"


@indicator(
    title="Peer benchmark",
    unit="count, EUR, share and rank",
    definition=(
        "The headline figures of a set of peer countries side by side, per programme, with "
        "each country's rank by participations and by EU contribution among the programme's "
        "non-associated third countries, each rank beside the number of countries it ranks."
    ),
    caveats=(
        caveats.STATUS,
        "Ranks count each country's participations as a third country only (the column 'as "
        "third country'): a country associated to a whole programme is not ranked there, and "
        "one associated to a pillar from a year on (Canada, New Zealand and South Korea in "
        "Horizon Europe) is ranked by its participations outside it.",
        "A country whose amounts as a third country CORDIS leaves all empty is not ranked by "
        "EU contribution (—): a missing amount is not 0. The ranks by EU contribution count "
        "the countries whose amount is known: each rank is out of its own count (the columns "
        "'third countries ranked by participations' and 'by EU contribution').",
        caveats.SHARE,
        caveats.FUNDED,
    ),
    options=(
        Option(
            "peers",
            PEERS,
            "Comma-separated peer countries (codes or names); the subject country is added.",
        ),
    ),
)
def peer_benchmark(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """One row per programme and peer, in programme order then rank.

    Four small queries (every country's sums from the cells built at ingest, everyone's
    totals, the shown countries' distinct organisations and projects from their own rows,
    and their names and statuses), ranked and put together here: as one query, DuckDB spent
    more time planning it than running it. Shares are divided here from the doubles DuckDB
    casts the sums to, as it would divide them itself.
    """
    peers = parse_subject(warehouse, str(options["peers"]))
    shown = list(dict.fromkeys((*peers.countries, *scope.subject.countries)))
    where, params = scope.where()
    per_country = _per_country(warehouse, scope, where, params)
    everyone = warehouse.arrow(
        f"""SELECT programme, {cell_sums(("participations",))},
                   sum(ec_contribution) AS ec_contribution,
                   CAST(sum(ec_contribution) AS DOUBLE) AS ec_double
            FROM {scope.cells("aggregate_cells")} WHERE {where} GROUP BY programme""",
        params,
    ).to_pylist()
    reach = _reach(warehouse, where, params, shown)
    about = _countries(warehouse, shown)
    rows = []
    for total in everyone:
        programme = total["programme"]
        ranked = per_country.get(programme, {})
        counted = [row for row in ranked.values() if row["third_country_participations"] > 0]
        present = [
            _row(programme, code, about[code], ranked.get(code), reach, total, counted)
            for code in shown
            if code in about
        ]
        # Each rank is out of the countries it ranks: by EU contribution, only those whose
        # amount is known. Said on every row of a programme where a shown country takes part.
        known = any(code in ranked for code in shown if code in about)
        by_participations = len(counted) if known else None
        by_contribution = (
            sum(1 for row in counted if row["third_ec"] is not None) if known else None
        )
        for row in present:
            row["third_countries"] = by_participations
            row["third_countries_ec_contribution"] = by_contribution
        rows += present
    rows.sort(
        key=lambda row: (
            rank(row["programme"]),
            row["rank_participations"] is None,
            row["rank_participations"] or 0,
            -row["participations"],
            row["country"],
        )
    )
    return pa.Table.from_pylist(rows, schema=_SCHEMA)


def _per_country(
    warehouse: Warehouse, scope: Scope, where: str, params: dict[str, object]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per programme and country, the sums under the filters and those as a third country."""
    additive = tuple(m for m in BREAKDOWN if m in ADDITIVE)
    third = "country_status = 'third_country'"
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for row in warehouse.arrow(
        f"""SELECT programme, country, {cell_sums(additive)},
                   CAST(COALESCE(sum(ec_contribution), 0) AS DOUBLE) AS ec_double,
                   CAST(COALESCE(sum(participations) FILTER (WHERE {third}), 0) AS BIGINT)
                       AS third_country_participations,
                   sum(ec_contribution) FILTER (WHERE {third}) AS third_ec
            FROM {scope.cells("aggregate_country_cells")} WHERE {where}
            GROUP BY programme, country""",
        params,
    ).to_pylist():
        found.setdefault(row["programme"], {})[row["country"]] = row
    return found


def _reach(
    warehouse: Warehouse, where: str, params: dict[str, object], shown: list[str]
) -> dict[tuple[str, str], dict[str, int]]:
    """Distinct organisations and projects of each shown country per programme, counted here
    from their rows (grouped distinct counts in DuckDB took twice as long)."""
    table = warehouse.arrow(
        f"""SELECT programme, country, pic, project_id FROM participation_facts
            WHERE {where} AND country IN (SELECT unnest($shown))""",
        params | {"shown": shown},
    )
    groups = pc.dictionary_encode(
        pc.binary_join_element_wise(table.column("programme"), table.column("country"), "\t")
    ).combine_chunks()
    names = groups.dictionary.to_pylist()
    group = ints(groups.indices)
    found = {}
    for measure, column in (("organisations", "pic"), ("projects", "project_id")):
        values = ints(table.column(column))
        found[measure] = distinct_counts(group, values, len(names))
    return {
        tuple(str(name).split("\t")): {m: int(found[m][n]) for m in found}  # type: ignore[misc]
        for n, name in enumerate(names)
    }


# Every country with its status per programme, the reference list `_countries` reads.
_STATUSES = """SELECT c.cordis_code, c.iso_code, c.name, s.programme,
       CASE WHEN s.status = 'associated' AND (s.since IS NOT NULL OR s.pillar IS NOT NULL)
            THEN 'partly_associated' ELSE s.status END AS status
FROM countries c LEFT JOIN country_status s ON s.cordis_code = c.cordis_code"""


def _countries(
    warehouse: Warehouse, shown: list[str]
) -> dict[str, tuple[str | None, str | None, dict[str, str | None]]]:
    """ISO code, name and status per programme of each shown country: associated only from
    some calls or to one pillar (Canada, Korea) is 'partly_associated'. Read from the
    reference lists of every country, which the reader keeps until the file changes (as it
    keeps the country list every parameter check reads): a query of its own cost 3 ms."""
    found: dict[str, tuple[str | None, str | None, dict[str, str | None]]] = {}
    wanted = set(shown)
    for row in warehouse.lookup(_STATUSES):
        code = row["cordis_code"]
        if code not in wanted:
            continue
        statuses = found.setdefault(code, (row["iso_code"], row["name"], {}))[2]
        if row["programme"] is not None:
            statuses[row["programme"]] = row["status"]
    return found


def _row(
    programme: str,
    code: str,
    about: tuple[str | None, str | None, dict[str, str | None]],
    found: dict[str, Any] | None,
    reaches: dict[tuple[str, str], dict[str, Any]],
    total: dict[str, Any],
    counted: list[dict[str, Any]],
) -> dict[str, Any]:
    """One peer in one programme: its figures (0 where it has none), shares and ranks (the
    counts they are out of are the programme's, set by the caller)."""
    mine = found or {}
    reach = reaches.get((programme, code), {}) if found is not None else {}
    iso_code, name, statuses = about
    status = statuses.get(programme)
    third = mine.get("third_country_participations") or 0
    row: dict[str, Any] = {
        "programme": programme,
        "country": code,
        "iso_code": iso_code,
        "name": name,
        "status": status,
    }
    for measure in BREAKDOWN:
        source = reach if measure in ("organisations", "projects") else mine
        row[measure] = source.get(measure) or 0
    if row["ec_contribution"] == 0:
        row["ec_contribution"] = Decimal("0.00")
    # Participations whose amounts CORDIS leaves all empty sum to a missing amount, not 0.
    unpriced = found is not None and mine.get("ec_contribution") is None
    row["third_country_participations"] = third
    row["share_participations"] = (
        float(row["participations"]) / float(total["participations"])
        if total["participations"]
        else None
    )
    row["share_ec_contribution"] = (
        (mine.get("ec_double") or 0.0) / total["ec_double"] if total["ec_double"] else None
    )
    if unpriced:
        row["ec_contribution"] = row["share_ec_contribution"] = None
    ranked = found is not None and third > 0
    row["rank_participations"] = (
        1 + sum(1 for other in counted if other["third_country_participations"] > third)
        if ranked
        else None
    )
    # A sum of only missing amounts is missing: not ranked, and no one ranks below it.
    amount = mine.get("third_ec")
    row["rank_ec_contribution"] = (
        1
        + sum(
            1 for other in counted if other["third_ec"] is not None and other["third_ec"] > amount
        )
        if ranked and amount is not None
        else None
    )
    return row


_SCHEMA = pa.schema(
    [
        ("programme", pa.string()),
        ("country", pa.string()),
        ("iso_code", pa.string()),
        ("name", pa.string()),
        ("status", pa.string()),
        *[(m, pa.decimal128(38, 2) if m == "ec_contribution" else pa.int64()) for m in BREAKDOWN],
        ("third_country_participations", pa.int64()),
        ("share_participations", pa.float64()),
        ("share_ec_contribution", pa.float64()),
        ("rank_participations", pa.int64()),
        ("third_countries", pa.int64()),
        ("rank_ec_contribution", pa.int64()),
        ("third_countries_ec_contribution", pa.int64()),
    ]
)


def associations(warehouse: Warehouse, countries: tuple[str, ...]) -> list[str]:
    """What the reference list says of the countries' association where it is limited in time
    or to a pillar ("Canada in Horizon Europe (2021-2027): Pillar II only, from the 2024
    calls, ..."), so that a profile says why some of its participations count as associated
    and others as a third country's."""
    found = warehouse.arrow(
        """SELECT programme, name, note FROM country_status
           WHERE status = 'associated' AND (since IS NOT NULL OR pillar IS NOT NULL)
             AND note IS NOT NULL AND list_contains($countries, cordis_code)
           ORDER BY cordis_code, programme""",
        {"countries": list(countries)},
    ).to_pylist()
    return [f"{row['name']} in {PROGRAMMES[row['programme']]}: {row['note']}." for row in found]
