"""The cooperation monitoring report: the trend across FP7, H2020 and Horizon Europe, the
country beside its peers, its thematic strengths, its collaboration network, and findings
written from the data with the figures behind each sentence.

In the tradition of the coordination projects' "monitoring and assessment of Horizon 2020
activities".
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pyarrow as pa

from bilat import charts
from bilat.cordis.programme_parts import PROGRAMMES
from bilat.formatting import NO_AMOUNT_WHY, euros, text
from bilat.reports.chapters import headline_row, summary
from bilat.reports.document import Builder, Chapter, Paragraph, Table

WIDTH = 560
# An area needs this many participations of everyone before its share is read as a strength
# or a weakness: below it, one project more or less swings the index.
MIN_AREA = 200


def chapters(builder: Builder, country: str) -> list[Chapter]:
    """The report's chapters, in reading order; findings come second but are written last."""
    first = summary(builder, country)  # Table 1, which the findings cite
    trend = _trend(builder)
    peers, peer_table = _peers(builder, country)
    themes, strengths = _themes(builder, country)
    network, network_table = _network(builder, country)
    cited = {
        "trend": _numbers(trend),
        "peers": [peer_table.number],
        "themes": _numbers(themes),
        "partners": [network_table.number],
    }
    found = _findings(builder, country, cited, strengths, network_table)
    return [first, found, trend, peers, themes, network]


def _trend(builder: Builder) -> Chapter:
    chapter = Chapter("trend", "Trend per year")
    series = builder.indicator("series")
    chapter.blocks.append(
        Paragraph(
            "Participations per year of each programme, with the country's share of that year's "
            "participations. The year is the project's start year, else its call year; the latest "
            "years are incomplete until their grants are signed and published."
        )
    )
    if series.num_rows:
        chapter.blocks.append(
            builder.figure(
                "Participations per year and programme", charts.trend(series, width=WIDTH)
            )
        )
    chapter.blocks.append(
        builder.table(
            "Participations per year and programme",
            series,
            [
                "programme",
                "year",
                "programme_year",
                "participations",
                "funded_participations",
                "organisations",
                "projects",
                "ec_contribution",
                "share_participations",
                "complete",
            ],
        )
    )
    return chapter


def _peers(builder: Builder, country: str) -> tuple[Chapter, Table]:
    chapter = Chapter("peers", "Beside other third countries")
    table = builder.indicator("peer_benchmark")
    chapter.blocks.append(
        Paragraph(
            "The same headline figures for a set of peer countries, with each one's rank among "
            "the programme's non-associated third countries. The rank counts the participations "
            "a country had as a third country, under the status in force for each: Canada, New "
            "Zealand and South Korea are associated to Horizon Europe's Pillar II from the "
            "2024, 2023 and 2025 calls and ranked by their other participations; the United "
            "Kingdom was a third country for the 2021-2023 calls."
        )
    )
    block = builder.table(
        f"{country} and its peers",
        table,
        [
            "programme",
            "name",
            "status",
            "participations",
            "third_country_participations",
            "funded_participations",
            "projects",
            "ec_contribution",
            "share_participations",
            "rank_participations",
            "third_countries",
            "rank_ec_contribution",
            "third_countries_ec_contribution",
        ],
    )
    chapter.blocks.append(block)
    return chapter, block


def specialisation(table: pa.Table, overall: float, key: str) -> list[dict[str, Any]]:
    """Areas with the country's share of all participations in the area and the index
    share / overall share (above 1: more present there than on average)."""
    rows = []
    for row in table.to_pylist():
        if row.get("programme") == "ALL" or not row["programme_share"] or not overall:
            continue
        everyone = row["participations"] / row["programme_share"]
        rows.append(
            {
                "programme": row["programme"],
                "area": row[key],
                "participations": row["participations"],
                "all_participations": round(everyone),
                "programme_share": row["programme_share"],
                "specialisation": row["programme_share"] / overall,
            }
        )
    return sorted(rows, key=lambda r: -r["specialisation"])


def _themes(builder: Builder, country: str) -> tuple[Chapter, list[dict[str, Any]]]:
    chapter = Chapter("themes", "Thematic strengths")
    overall = headline_row(builder).get("share_participations") or 0.0
    chapter.blocks.append(
        Paragraph(
            f"Where {country} is more present than on average: for each programme part and field "
            f"of science, its share of all participations there, divided by its share of all "
            f"participations ({text('share', overall)}). An index above 1 is a relative strength. "
            f"Areas with fewer than {MIN_AREA} participations of all countries are listed but not "
            f"read as strengths or weaknesses."
        )
    )
    areas: list[dict[str, Any]] = []
    for name, key, label in (
        ("by_programme_part", "programme_part", "Programme part"),
        ("by_field", "field", "Field of science"),
    ):
        rows = specialisation(builder.indicator(name), overall, key)
        areas.extend({**r, "kind": label} for r in rows)
        chapter.blocks.append(
            builder.table(
                f"Specialisation by {label.lower()}",
                pa.Table.from_pylist(rows)
                if rows
                else pa.table({"area": pa.array([], pa.string())}),
                [
                    "programme",
                    "area",
                    "participations",
                    "all_participations",
                    "programme_share",
                    "specialisation",
                ],
                headers={
                    "area": label,
                    "all_participations": "All countries",
                    "programme_share": "Share of all",
                    "specialisation": "Index",
                },
            )
        )
    return chapter, [a for a in areas if a["all_participations"] >= MIN_AREA]


def _network(builder: Builder, country: str) -> tuple[Chapter, Table]:
    chapter = Chapter("network", "Collaboration network")
    groups = builder.indicator("partner_groups")
    block = builder.table(
        "Partner participations by country group",
        groups,
        ["title", "countries", "participations", "organisations", "projects", "share"],
        headers={"title": "Group"},
    )
    chapter.blocks.append(block)
    edges = builder.indicator("country_network", limit=20)
    if edges.num_rows:
        spec = charts.network(
            edges,
            source_label="source_name",
            target_label="target_name",
            nodes_are="countries",
            static=True,
            width=WIDTH,
            height=420,
        )
        chapter.blocks.append(
            builder.figure(
                f"The 20 countries most present in the projects of {country}, linked by the "
                f"projects they share (the 60 strongest links)",
                spec,
                vega=True,
            )
        )
    chapter.blocks.append(
        builder.table(
            "Top partner countries",
            builder.indicator("partner_countries"),
            ["name", "status", "participations", "organisations", "projects", "share"],
            limit=15,
        )
    )
    return chapter, block


def _numbers(chapter: Chapter) -> list[int]:
    return [block.number for block in chapter.blocks if isinstance(block, Table)]


def _cite(numbers: list[int]) -> str:
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f" (Table {numbers[0]})"
    return f" (Tables {', '.join(map(str, numbers[:-1]))} and {numbers[-1]})"


def _findings(
    builder: Builder,
    country: str,
    cited: dict[str, list[int]],
    strengths: list[dict[str, Any]],
    groups: Table,
) -> Chapter:
    """Sentences computed from the tables, each naming the table that holds its figures."""
    chapter = Chapter("findings", "Findings")
    say = chapter.blocks.append
    about = builder.indicator("headline").schema.metadata or {}
    codes = about.get(b"countries", b"").decode().split(",")
    for row in builder.indicator("peer_benchmark").to_pylist():
        if row["country"] in codes and row["rank_participations"]:
            say(
                Paragraph(
                    f"In {PROGRAMMES[row['programme']]}, {country} ranks "
                    f"{_ordinal(row['rank_participations'])} of {row['third_countries']} "
                    f"non-associated third countries by participations as a third country "
                    f"({text('n', row['third_country_participations'])}) and "
                    f"{_by_contribution(row)}.{_cite(cited['peers'])}",
                    kind="finding",
                )
            )
    shares = [r for r in builder.indicator("headline").to_pylist() if r["programme"] != "ALL"]
    for before, after in pairwise(shares):
        direction = (
            "rose" if after["share_participations"] > before["share_participations"] else "fell"
        )
        say(
            Paragraph(
                f"Its share of all participations {direction} from "
                f"{text('share', before['share_participations'])} in {before['programme']} to "
                f"{text('share', after['share_participations'])} in {after['programme']}, and its "
                f"share of EU contribution went from "
                f"{text('share', before['share_ec_contribution'])} to "
                f"{text('share', after['share_ec_contribution'])}.{_cite([1])}",
                kind="finding",
            )
        )
    ranked = sorted(strengths, key=lambda r: -r["specialisation"])
    if ranked:
        top = ", ".join(f"{r['area']} (index {r['specialisation']:.2f})" for r in ranked[:3])
        low = ", ".join(f"{r['area']} (index {r['specialisation']:.2f})" for r in ranked[-3:][::-1])
        say(
            Paragraph(
                f"Strongest areas relative to its average: {top}.{_cite(cited['themes'])}",
                kind="finding",
            )
        )
        say(
            Paragraph(
                f"Weakest areas among those with at least {MIN_AREA} participations: {low}."
                f"{_cite(cited['themes'])}",
                kind="finding",
            )
        )
    years = [r for r in builder.indicator("series").to_pylist() if r["participations"]]
    if len(years) > 1:
        peak = max(years, key=lambda r: r["participations"])
        last = years[-1]
        say(
            Paragraph(
                f"Its participations per year peaked in {peak['year']} "
                f"({text('n', peak['participations'])} in {peak['programme']}); the latest year "
                f"with any, {last['year']} ({text('n', last['participations'])})"
                + (", is still incomplete." if last.get("complete") is False else ".")
                + _cite(cited["trend"]),
                kind="finding",
            )
        )
    rows = groups.data.to_pylist()
    member = next((r for r in rows if r.get("title") == "EU member states"), None)
    if member:
        say(
            Paragraph(
                f"{text('share', member['share'])} of its partners' participations come from EU "
                f"member states, from {member['countries']} of them.{_cite(cited['partners'])}",
                kind="finding",
            )
        )
    return chapter


def _by_contribution(row: dict[str, Any]) -> str:
    """The rank by EU contribution, or why there is none: amounts CORDIS leaves all empty
    are missing, not 0, and are not ranked."""
    if row["rank_ec_contribution"] is None:
        why = f"its amounts as a third country are {NO_AMOUNT_WHY}"
        return f"is not ranked by EU contribution ({why})"
    amount = euros(row["ec_contribution"])
    out_of = row["third_countries_ec_contribution"]
    return f"{_ordinal(row['rank_ec_contribution'])} of {out_of} by EU contribution ({amount})"


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"
