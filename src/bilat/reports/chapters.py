"""Chapters that both reports share: the summary of headline figures and the method.

The method chapter says what was loaded (each source with its snapshot date and rows), how
every indicator used is defined, its caveats, and what open data cannot show, so that a
figure in the report can be checked and is not over-read.
"""

from __future__ import annotations

from typing import Any

from bilat.cordis.programme_parts import PROGRAMMES
from bilat.formatting import NO_AMOUNT_WHY, euros, text
from bilat.reports.document import Builder, Chapter, Paragraph

CANNOT_SHOW = (
    "Proposals, applicants and success rates: CORDIS publishes signed grants only, so how "
    "often organisations of a country applied and failed is not in open data.",
    "Money actually spent: the EU contribution is the amount in the grant agreement at "
    "signature, not what was paid out at the end of the project.",
    "People: CORDIS lists organisations, not the researchers who did the work, so mobility "
    "of individuals (MSCA fellows going to the US, say) is only visible through their host "
    "organisations.",
    "Funding from the other side: what US agencies (NSF, NIH, DOE...) contributed to the same "
    "projects is not in CORDIS.",
    "Cooperation outside the framework programmes: co-publications, bilateral agreements and "
    "national programmes are not covered.",
)


def headline_row(builder: Builder) -> dict[str, Any]:
    """The ALL row of the headline (the only row when one programme is covered)."""
    rows = builder.indicator("headline").to_pylist()
    return next((r for r in rows if r["programme"] == "ALL"), rows[-1] if rows else {})


def summary(builder: Builder, country: str) -> Chapter:
    """Headline figures, in a table and in words."""
    chapter = Chapter("summary", "Summary")
    headline = builder.indicator("headline")
    row = headline_row(builder)
    if not row or not row["participations"]:
        chapter.blocks.append(
            Paragraph(f"No participation of {country} is loaded under these filters.")
        )
        return chapter
    covered = ", ".join(
        PROGRAMMES.get(r["programme"], r["programme"])
        for r in headline.to_pylist()
        if r["programme"] != "ALL"
    )
    chapter.blocks.append(
        Paragraph(
            f"Organisations from {country} took part {text('n', row['participations'])} times "
            f"in {covered}: {text('share', row['share_participations'])} of all "
            f"participations, in {text('n', row['projects'])} projects "
            f"({text('share', row['share_projects'])} of all projects), with "
            f"{text('n', row['organisations'])} different organisations. "
            f"{_received(row)} "
            f"{text('n', row['funded_participations'])} participations were funded and "
            f"{text('n', row['unfunded_participations'])} were not; "
            f"{text('n', row['coordinated_projects'])} projects were coordinated from {country}."
        )
    )
    chapter.blocks.append(
        builder.table(
            "Headline figures and share of each programme's total",
            headline,
            [
                "programme",
                "participations",
                "funded_participations",
                "unfunded_participations",
                "organisations",
                "projects",
                "coordinated_projects",
                "ec_contribution",
                "share_participations",
                "share_projects",
                "share_ec_contribution",
            ],
            headers={
                "share_participations": "Share: participations",
                "share_projects": "Share: projects",
                "share_ec_contribution": "Share: EU contribution",
            },
        )
    )
    return chapter


def method(builder: Builder, sources: list[dict[str, Any]]) -> Chapter:
    """Sources loaded, definitions and caveats of the indicators used, and the limits."""
    chapter = Chapter("method", "Method and sources")
    chapter.blocks.append(
        Paragraph(
            "Every figure comes from the CORDIS open data of the European Commission, loaded "
            "into bilat's warehouse and computed by the indicators named below, the same that "
            "the observatory's web pages, API and command line use. The tables below list the "
            "files loaded, with the date of their latest record (the snapshot)."
        )
    )
    for row in sources:
        snapshot = row["snapshot_date"].isoformat() if row["snapshot_date"] else "no date"
        chapter.blocks.append(
            Paragraph(
                f"{row['programme']} {row['kind']}: {row['name']}, snapshot {snapshot}, "
                f"{text('n', row['rows_loaded'])} rows loaded of "
                f"{text('n', row['rows_read'])} read.",
                kind="note",
            )
        )
    chapter.blocks.append(Paragraph("Definitions of the indicators used", kind="h3"))
    for item in builder.used.values():
        chapter.blocks.append(
            Paragraph(f"{item.title} ({item.name}): {item.definition}", kind="note")
        )
    chapter.blocks.append(Paragraph("Caveats", kind="h3"))
    caveats = dict.fromkeys(c for item in builder.used.values() for c in item.caveats)
    for caveat in caveats:
        chapter.blocks.append(Paragraph(caveat, kind="note"))
    chapter.blocks.append(Paragraph("What open data cannot show", kind="h3"))
    for limit in CANNOT_SHOW:
        chapter.blocks.append(Paragraph(limit, kind="note"))
    chapter.blocks.append(
        Paragraph(
            "Source: CORDIS, the Community Research and Development Information Service of the "
            "European Commission, © European Union, reused under the Creative Commons "
            "Attribution 4.0 licence (CC BY 4.0). The figures are computed by bilat and are "
            "not official statistics of the European Commission."
        )
    )
    return chapter


def _received(row: dict[str, Any]) -> str:
    """The sentence on the EU contribution received: its amount and share, or, where every
    amount summed is empty in CORDIS, that it is not recorded (never "no amount", which
    reads as 0)."""
    if row["ec_contribution"] is None:
        return f"Their EU contribution is {NO_AMOUNT_WHY}."
    return (
        f"They received {euros(row['ec_contribution'])} of EU contribution "
        f"({text('share', row['share_ec_contribution'])} of the total)."
    )
