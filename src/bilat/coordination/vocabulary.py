"""The shared vocabularies of the coordination data: sides of the Atlantic and sectors.

Sectors map onto the CORDIS activity types (HES, REC, PRC, PUB, OTH) so that event statistics
by organisation type read the same way as the observatory's participation figures; the titles
of those types are CORDIS's own, `bilat.cordis.roles.ACTIVITY_TYPES`, used by both sides.
"""

from __future__ import annotations

from django.db import models


class Side(models.TextChoices):
    EU = "EU", "EU side"
    US = "US", "US side"
    OTHER = "other", "Other"


class Sector(models.TextChoices):
    FUNDING = "funding", "Funding body"
    UNIVERSITY = "university", "University"
    RESEARCH = "research", "Research organisation"
    SME = "sme", "SME"
    COMPANY = "company", "Large company"
    POLICY = "policy", "Policy / government"
    ASSOCIATION = "association", "Association"
    OTHER = "other", "Other"


# CORDIS activity type of each sector (funding bodies and ministries are public bodies).
ORGANISATION_TYPE = {
    Sector.FUNDING: "PUB",
    Sector.UNIVERSITY: "HES",
    Sector.RESEARCH: "REC",
    Sector.SME: "PRC",
    Sector.COMPANY: "PRC",
    Sector.POLICY: "PUB",
    Sector.ASSOCIATION: "OTH",
    Sector.OTHER: "OTH",
}
