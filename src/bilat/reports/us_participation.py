"""The participation report: who from the country takes part, in what, how funded, where
(US states), and with which EU partners; compared with the previous programme where loaded.

In the tradition of the coordination projects' "US participation in FP7 via collaborative
research projects and support actions", for any country (the US by default).
"""

from __future__ import annotations

import pyarrow.compute as pc

from bilat import charts
from bilat.cordis.programme_parts import PROGRAMMES
from bilat.formatting import euros, text
from bilat.indicators.coverage import coverage
from bilat.reports.chapters import headline_row, summary
from bilat.reports.document import Builder, Chapter, Paragraph

MEASURES = [
    "participations",
    "funded_participations",
    "organisations",
    "projects",
    "ec_contribution",
    "share",
    "programme_share",
]
WIDTH = 560


def chapters(
    builder: Builder, country: str, *, us: bool, previous: str | None, missing: str | None
) -> list[Chapter]:
    """The report's chapters, in reading order."""
    found = [
        summary(builder, country),
        _actions(builder),
        _parts(builder),
        _organisations(builder, country),
        _roles(builder, country),
    ]
    if us:
        found.append(_states(builder))
    found.append(_partners(builder, country))
    found.append(_previous(builder, country, previous, missing))
    return found


def _breakdown(
    builder: Builder, chapter: Chapter, name: str, key: str, label: str, caption: str
) -> None:
    table = builder.indicator(name)
    chapter.blocks.append(
        builder.table(caption, table, ["programme", key, *MEASURES], headers={key: label})
    )
    if table.num_rows:
        spec = charts.bars(table, category=key, category_title=label, width=WIDTH)
        chapter.blocks.append(builder.figure(f"{caption} (participations)", spec))


def _actions(builder: Builder) -> Chapter:
    chapter = Chapter("actions", "Types of action")
    chapter.blocks.append(
        Paragraph(
            "Funding schemes grouped as the coordination projects reported them: collaborative "
            "research, coordination and support, frontier research (ERC), mobility (MSCA), SMEs "
            "and innovation, co-funding. The scheme is read from the project table."
        )
    )
    covered = [
        coverage(builder.warehouse).get(str(row["programme"]))
        for row in builder.indicator("headline").to_pylist()
        if row["programme"] != "ALL"
    ]
    if covered and not any(programme.projects for programme in covered):
        titles = " and ".join(programme.title for programme in covered)
        chapter.blocks.append(
            Paragraph(
                f"The project table is not loaded for {titles}: the participations cannot be "
                "grouped by type of action from the data loaded, so this chapter has no table."
            )
        )
        return chapter
    _breakdown(
        builder,
        chapter,
        "by_scheme_group",
        "title",
        "Scheme group",
        "Participations by funding-scheme group",
    )
    return chapter


def _parts(builder: Builder) -> Chapter:
    chapter = Chapter("parts", "Programme parts")
    _breakdown(
        builder,
        chapter,
        "by_programme_part",
        "programme_part",
        "Programme part",
        "Participations by programme part",
    )
    return chapter


def _organisations(builder: Builder, country: str) -> Chapter:
    chapter = Chapter("organisations", "Organisations")
    _breakdown(
        builder,
        chapter,
        "by_organisation_type",
        "title",
        "Organisation type",
        "Participations by organisation type",
    )
    top = builder.indicator("top_organisations", limit=25)
    chapter.blocks.append(
        builder.table(
            f"The organisations of {country} with most participations",
            top,
            [
                "rank",
                "name",
                "city",
                "activity_type",
                "participations",
                "projects",
                "coordinated_projects",
                "ec_contribution",
                "participations_fp7",
                "participations_h2020",
                "participations_he",
            ],
        )
    )
    return chapter


def _roles(builder: Builder, country: str) -> Chapter:
    chapter = Chapter("roles", "Roles and funding")
    table = builder.indicator("by_role")
    rows = [r for r in table.to_pylist() if r["programme"] != "ALL" or table.num_rows <= 4]
    unfunded = sum(
        r["participations"] - r["funded_participations"] for r in rows if r["programme"] != "ALL"
    )
    chapter.blocks.append(
        Paragraph(
            f"A participation is funded when it receives an EU contribution. Of the participations "
            f"of {country}, {text('n', unfunded)} received none: in Horizon Europe, associated "
            f"partners from non-associated third countries take part at their own cost."
        )
    )
    chapter.blocks.append(
        builder.table(
            "Participations by role, funded and unfunded",
            table,
            [
                "programme",
                "title",
                "participations",
                "funded_participations",
                "projects",
                "ec_contribution",
                "share",
            ],
            headers={"title": "Role"},
        )
    )
    return chapter


def _states(builder: Builder) -> Chapter:
    chapter = Chapter("states", "US states")
    table = builder.indicator("by_state")
    chapter.blocks.append(
        builder.figure("US participations by state", charts.state_map(table, width=WIDTH))
    )
    chapter.blocks.append(
        builder.table(
            "US participations by state",
            table,
            [
                "programme",
                "state",
                "state_name",
                "participations",
                "funded_participations",
                "organisations",
                "projects",
                "ec_contribution",
                "share",
            ],
            headers={"state": "Code"},
            limit=25,
        )
    )
    return chapter


def _partners(builder: Builder, country: str) -> Chapter:
    chapter = Chapter("partners", "EU partners")
    groups = builder.indicator("partner_groups")
    chapter.blocks.append(
        Paragraph(
            f"The partners of {country} are all other participations in the projects where it "
            f"takes part. EU member states, associated countries and other third countries are "
            f"told apart by their status in each programme."
        )
    )
    chapter.blocks.append(
        builder.table(
            "Partner participations by country group",
            groups,
            [
                "title",
                "countries",
                "participations",
                "organisations",
                "projects",
                "ec_contribution",
                "share",
            ],
            headers={"title": "Group"},
        )
    )
    partners = builder.indicator("partner_countries")
    member = partners.filter(pc.equal(partners.column("status"), "member_state"))
    chapter.blocks.append(
        builder.figure(
            "Partner countries (status in the latest programme)",
            charts.partners(partners, limit=20, width=WIDTH),
        )
    )
    chapter.blocks.append(
        builder.table(
            "EU member states partnering with " + country,
            member,
            [
                "country",
                "name",
                "participations",
                "organisations",
                "projects",
                "ec_contribution",
                "share",
            ],
            limit=27,
        )
    )
    chapter.blocks.append(
        builder.table(
            f"The partner organisations sharing most projects with {country}",
            builder.indicator("partner_organisations", limit=20),
            ["name", "country", "shared_projects", "participations", "ec_contribution"],
        )
    )
    return chapter


def _previous(builder: Builder, country: str, previous: str | None, missing: str | None) -> Chapter:
    chapter = Chapter("comparison", "Comparison with the previous programme")
    if previous is None:
        if missing:
            reason = (
                f"{missing} is not loaded, so this report cannot compare with it: load "
                f"its CORDIS zip with the command bilat ingest and write the report again."
            )
        elif builder.programmes > 1:
            reason = "This report covers every programme loaded; Table 1 gives them side by side."
        else:
            reason = (
                "Only one programme is loaded here: load the CORDIS zip of another with "
                "the command bilat ingest to compare programmes."
            )
        chapter.blocks.append(Paragraph(reason))
        return chapter
    current = headline_row(builder)
    now = builder.params.get("programme")
    table = builder.indicator("headline", programme=f"{previous},{now}")
    rows = {r["programme"]: r for r in table.to_pylist()}
    earlier = rows.get(previous, {})
    chapter.blocks.append(
        Paragraph(
            f"In {PROGRAMMES[previous]}, organisations from {country} took part "
            f"{text('n', earlier.get('participations', 0))} times "
            f"({text('share', earlier.get('share_participations'))} of all) and received "
            f"{euros(earlier.get('ec_contribution'))}; in the programme of this report, "
            f"{text('n', current.get('participations', 0))} times "
            f"({text('share', current.get('share_participations'))}) for "
            f"{euros(current.get('ec_contribution'))}. Shares compare better than counts: "
            f"programmes differ in length, and the latest one is not complete."
        )
    )
    chapter.blocks.append(
        builder.table(
            "Headline figures, previous and current programme",
            table,
            [
                "programme",
                "participations",
                "funded_participations",
                "organisations",
                "projects",
                "ec_contribution",
                "share_participations",
                "share_ec_contribution",
            ],
        )
    )
    return chapter
