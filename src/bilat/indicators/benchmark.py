"""The country beside its peers: the same headline figures for a set of third countries, and
each one's rank among all non-associated third countries of the programme.

A country associated to part of a programme only (Canada to Horizon Europe's Pillar II from
the 2024 calls) is a third country for its other participations: it is ranked by those, the
participations under the status in force for each one, and the table says how many they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from bilat.cordis.programme_parts import PROGRAMMES
from bilat.indicators import caveats
from bilat.indicators.measures import ADDITIVE, BREAKDOWN, cell_sums, measured, share
from bilat.indicators.participation import ORDER_PROGRAMME
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
        "non-associated third countries."
    ),
    caveats=(
        caveats.STATUS,
        "Ranks count each country's participations as a third country only (the column 'as "
        "third country'): a country associated to a whole programme is not ranked there, and "
        "one associated to a pillar from a year on (Canada, New Zealand and South Korea in "
        "Horizon Europe) is ranked by its participations outside it.",
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
    """One row per programme and peer, in programme order then rank."""
    peers = parse_subject(warehouse, str(options["peers"]))
    shown = list(dict.fromkeys((*peers.countries, *scope.subject.countries)))
    where, params = scope.where()
    measures = BREAKDOWN
    # Ranks need every country's participations and contribution: sums, read from the cells
    # per country built at ingest; the distinct organisations and projects, the costly part,
    # only for the countries shown, from their own rows.
    additive = tuple(m for m in measures if m in ADDITIVE)
    third = "country_status = 'third_country'"
    return warehouse.arrow(
        f"""
        WITH f AS NOT MATERIALIZED (SELECT * FROM participation_facts WHERE {where}),
        everyone AS (SELECT programme, {cell_sums(("participations",))},
                            sum(ec_contribution) AS ec_contribution
                     FROM {scope.cells("aggregate_cells")} WHERE {where} GROUP BY programme),
        per_country AS (SELECT programme, country, {cell_sums(additive)},
                               CAST(COALESCE(sum(participations) FILTER (WHERE {third}), 0)
                                    AS BIGINT) AS third_country_participations,
                               COALESCE(sum(ec_contribution) FILTER (WHERE {third}), 0)
                                   AS third_ec
                        FROM {scope.cells("aggregate_country_cells")} WHERE {where}
                        GROUP BY programme, country),
        shown AS NOT MATERIALIZED (SELECT * FROM f WHERE list_contains($shown, country)),
        shown_distinct AS ({measured("shown", ("country",), ("organisations", "projects"))}),
        ranked AS (SELECT *,
            CASE WHEN third_country_participations > 0 THEN rank() OVER (
                PARTITION BY programme, third_country_participations > 0
                ORDER BY third_country_participations DESC) END AS rank_participations,
            CASE WHEN third_country_participations > 0 THEN rank() OVER (
                PARTITION BY programme, third_country_participations > 0
                ORDER BY third_ec DESC) END AS rank_ec_contribution,
            count(*) FILTER (WHERE third_country_participations > 0)
                OVER (PARTITION BY programme) AS third_countries
            FROM per_country LEFT JOIN shown_distinct USING (programme, country))
        SELECT p.programme, c.cordis_code AS country, c.iso_code, c.name,
               -- associated only from some calls or to one pillar (Canada, Korea): in part
               CASE WHEN s.status = 'associated'
                         AND (s.since IS NOT NULL OR s.pillar IS NOT NULL)
                    THEN 'partly_associated' ELSE s.status END AS status,
               {", ".join(f"COALESCE(r.{m}, 0) AS {m}" for m in measures)},
               COALESCE(r.third_country_participations, 0) AS third_country_participations,
               {share("COALESCE(r.participations, 0)", "e.participations")}
                   AS share_participations,
               {share("COALESCE(r.ec_contribution, 0)", "e.ec_contribution")}
                   AS share_ec_contribution,
               r.rank_participations, r.rank_ec_contribution,
               max(r.third_countries) OVER (PARTITION BY p.programme) AS third_countries
        FROM everyone e
        JOIN (SELECT DISTINCT programme FROM {scope.cells("aggregate_cells")} WHERE {where}) p
            USING (programme)
        CROSS JOIN (SELECT unnest($shown) AS code) wanted
        JOIN countries c ON c.cordis_code = wanted.code
        LEFT JOIN country_status s ON s.programme = p.programme AND s.cordis_code = wanted.code
        LEFT JOIN ranked r ON r.programme = p.programme AND r.country = wanted.code
        ORDER BY {ORDER_PROGRAMME.replace("programme", "p.programme")},
                 r.rank_participations NULLS LAST, participations DESC, country
        """,
        params | {"shown": shown},
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
