"""How each file layout's columns map onto the warehouse's canonical columns.

Layouts name the same thing differently (`organisationID`, `id`, `pic`); these tables say, per
layout, which file column feeds each canonical column, so that one typed, checked insert
serves them all. A canonical column with no source column is loaded as missing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """A typed value: the macro that parses it and what a failure means to a user."""

    parser: str
    reason: str
    # A macro flagging values that read as a value but that the parser refuses, and why.
    refusal: tuple[str, str] | None = None


AMOUNT = Check(
    "amount",
    "not an amount (digits with '.' or ',' decimals)",
    refusal=("negative", "below zero: CORDIS amounts (contributions, costs) are never negative"),
)
DAY = Check("day", "not a date (YYYY-MM-DD or DD/MM/YYYY)")
STAMP = Check("stamp", "not a date and time (YYYY-MM-DD HH:MM:SS)")
WHOLE = Check("whole", "not a whole number")
FLAG = Check("flag", "not true/false")

PARTICIPATION_CHECKS = {
    "pic": WHOLE,
    "order_no": WHOLE,
    "sme": FLAG,
    "ec_contribution": AMOUNT,
    "net_ec_contribution": AMOUNT,
    "total_cost": AMOUNT,
    "end_of_participation": FLAG,
    "active": FLAG,
    "content_update": STAMP,
    "rcn": WHOLE,
}
PROJECT_CHECKS = {
    "start_date": DAY,
    "end_date": DAY,
    "total_cost": AMOUNT,
    "ec_max_contribution": AMOUNT,
    "signature_date": DAY,
    "content_update": STAMP,
    "rcn": WHOLE,
}

_ORGANIZATION = {
    "project_id": "projectid",
    "project_acronym": "projectacronym",
    "pic": "organisationid",
    "vat_number": "vatnumber",
    "name": "name",
    "short_name": "shortname",
    "sme": "sme",
    "activity_type": "activitytype",
    "street": "street",
    "post_code": "postcode",
    "city": "city",
    "country": "country",
    "nuts_code": "nutscode",
    "geolocation": "geolocation",
    "organization_url": "organizationurl",
    "content_update": "contentupdatedate",
    "rcn": "rcn",
    "order_no": "order",
    "role_raw": "role",
    "ec_contribution": "eccontribution",
    "net_ec_contribution": "neteccontribution",
    "total_cost": "totalcost",
    "end_of_participation": "endofparticipation",
    "active": "active",
}
_OLD_ORGANIZATION = {
    "project_id": "projectid",
    "project_acronym": "projectacronym",
    "pic": "id",
    "vat_number": "vatnumber",
    "name": "name",
    "short_name": "shortname",
    "activity_type": "activitytype",
    "street": "street",
    "post_code": "postcode",
    "city": "city",
    "country": "country",
    "organization_url": "organizationurl",
    "role_raw": "role",
    "ec_contribution": "eccontribution",
    "end_of_participation": "endofparticipation",
}

_DASHBOARD_PARTICIPATION = {
    "project_id": "project_id",
    "project_acronym": "project_acronym",
    "pic": "pic",
    "vat_number": "legal_entity_vat",
    "name": "legal_name",
    "sme": "sme_flag",
    "activity_type": "legal_entity_type",
    "city": "city",
    "country": "country_code",
    "nuts_code": "nuts_3_code",
    "role_raw": "partner_role",
    "partner_type": "partner_type",
    "ec_contribution": "eu_contribution",
    "net_ec_contribution": "h2020_net_eu_contribution",
    "total_cost": "h2020_total_cost",
}

PARTICIPATION_SOURCES = {
    "cordis-organization": _ORGANIZATION,
    "cordis-organization-old": _OLD_ORGANIZATION,
    "dashboard-export": _DASHBOARD_PARTICIPATION,
}

_PROJECT = {
    "project_id": "id",
    "acronym": "acronym",
    "status": "status",
    "title": "title",
    "start_date": "startdate",
    "end_date": "enddate",
    "total_cost": "totalcost",
    "ec_max_contribution": "ecmaxcontribution",
    "legal_basis": "legalbasis",
    "topics": "topics",
    "signature_date": "ecsignaturedate",
    "framework_programme": "frameworkprogramme",
    "master_call": "mastercall",
    "sub_call": "subcall",
    "funding_scheme": "fundingscheme",
    "nature": "nature",
    "objective": "objective",
    "keywords": "keywords",
    "content_update": "contentupdatedate",
    "rcn": "rcn",
    "grant_doi": "grantdoi",
}

_OLD_PROJECT = {
    "project_id": "id",
    "acronym": "acronym",
    "status": "status",
    "title": "title",
    "start_date": "startdate",
    "end_date": "enddate",
    "total_cost": "totalcost",
    "ec_max_contribution": "ecmaxcontribution",
    "legal_basis": "programme",
    "topics": "topics",
    "framework_programme": "frameworkprogramme",
    "master_call": "call",
    "funding_scheme": "fundingscheme",
    "objective": "objective",
    "keywords": "subjects",
    "rcn": "rcn",
}

_DASHBOARD_PROJECT = {
    "project_id": "project_id",
    "acronym": "project_acronym",
    "title": "project_title",
    "start_date": "project_start_date",
    "end_date": "project_end_date",
    "legal_basis": "pillar_abbr",
    "topics": "topic_code",
    "signature_date": "signature_date",
    "framework_programme": "framework_programme",
    "master_call": "call_id",
    "funding_scheme": "simplified_type_of_action",
}

PROJECT_SOURCES = {
    "cordis-project": _PROJECT,
    "cordis-project-old": _OLD_PROJECT,
    "dashboard-export": _DASHBOARD_PROJECT,
}

PARTICIPATION_COLUMNS = (
    "project_id",
    "project_acronym",
    "pic",
    "role_raw",
    "partner_type",
    "order_no",
    "name",
    "short_name",
    "vat_number",
    "sme",
    "activity_type",
    "street",
    "post_code",
    "city",
    "country",
    "nuts_code",
    "geolocation",
    "organization_url",
    "ec_contribution",
    "net_ec_contribution",
    "total_cost",
    "end_of_participation",
    "active",
    "content_update",
    "rcn",
)
PROJECT_COLUMNS = tuple(_PROJECT)


def projection(mapping: dict[str, str], canonical: tuple[str, ...], present: set[str]) -> str:
    """A SELECT list giving every canonical column from the file's columns, or NULL."""
    items = []
    for name in canonical:
        source = mapping.get(name)
        if name == "project_id" and source == "id" and "id" not in present:
            source = "reference"  # the FP7 single-file format says `reference`
        items.append(f'"{source}" AS {name}' if source in present else f"NULL::VARCHAR AS {name}")
    return ", ".join(items)
