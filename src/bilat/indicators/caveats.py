"""Caveats shared by several indicators, worded once so that every table says the same."""

from __future__ import annotations

SIGNED_ONLY = (
    "CORDIS lists signed grants only: proposals, applicants and success rates cannot be "
    "computed from open data."
)
FUNDED = (
    "A participation is funded when its EU contribution (CORDIS ecContribution) is above "
    "zero; associated partners in Horizon Europe and many third-country participants receive "
    "none and count as unfunded."
)
AMOUNTS = (
    "EU contribution is CORDIS's ecContribution of each participation; net EU contribution is "
    "its netEcContribution, which older releases do not publish (FP7 totals are then "
    "missing, “—”, not 0)."
)
COUNTRY = (
    "A participation counts in the country CORDIS gives for that participation; an "
    "organisation is counted once by its PIC even when it takes part many times."
)
SHARE = (
    "Shares compare the subject with all participations under the same filters in the same "
    "programme (the ALL row: all programmes together)."
)
STATUS = (
    "Member state, associated or third country is the status in force for each "
    "participation, from bilat's reference list: an association counts from the call year it "
    "first covers (the start year where the call year is unknown) and only in the pillar it "
    "is limited to, so Canada (from the 2024 calls), New Zealand (2023) and South Korea "
    "(2025) are associated in Horizon Europe's Pillar II only and third countries before "
    "and elsewhere, and the United Kingdom from the 2024 calls."
)
YEAR = (
    "Year is the project's start year; where the programme's project table is not loaded "
    "(Horizon Europe in the bundled data) it is the call year read from the topic code, and "
    "the year_basis column says which. The latest years are incomplete until all their "
    "grants are signed and published: in the series, the complete column is false for the "
    "years still being signed at the snapshot date of the participations (by call year the "
    "snapshot's year and the one before, by start year the snapshot's year)."
)
FIELDS = (
    "Fields of science come from CORDIS's EuroSciVoc classification of projects; a project "
    "with several fields counts under each, so rows add up to more than the total, and "
    "projects without a classification appear as 'not classified'."
)
STATE = (
    "The US state is read from the address (ZIP code, city); where the ZIP code and the city "
    "disagree, the organisation's other rows and its name decide, and a row without an "
    "address takes its organisation's state, else a place in its name; participations where "
    "nothing tells it are 'unknown'."
)
PARTNERS = (
    "Partners are all other participations in the projects where the subject takes part "
    "(with the role and organisation-type filters applied to the subject only)."
)
