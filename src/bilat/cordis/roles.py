"""Participant roles and organisation activity types, normalised across CORDIS releases.

Canonical roles keep CORDIS's own current spelling (`associatedPartner`, `thirdParty`) so that
figures match what users see on CORDIS. Older releases and the Horizon Dashboard write them
differently (`COORDINATOR`, `THIRD PARTY`, `hostInstitution`), and the Dashboard splits the
role in two columns (role in the consortium, type of partner).
"""

from __future__ import annotations

ROLES = (
    "coordinator",
    "participant",
    "associatedPartner",
    "thirdParty",
    "partner",
    "internationalPartner",
    "hostInstitution",
    "beneficiary",
)
ROLE_TITLES = {
    "coordinator": "Coordinator",
    "participant": "Participant (beneficiary)",
    "associatedPartner": "Associated partner",
    "thirdParty": "Third party linked to a beneficiary",
    "partner": "Partner",
    "internationalPartner": "International partner",
    "hostInstitution": "Host institution",
    "beneficiary": "Beneficiary",
}
ACTIVITY_TYPES = {
    "HES": "Higher or secondary education",
    "REC": "Research organisation",
    "PRC": "Private for-profit (excluding education)",
    "PUB": "Public body (excluding research and education)",
    "OTH": "Other",
}

_BY_FOLDED = {role.lower(): role for role in ROLES}
_ALIASES = {
    "associated_partner": "associatedPartner",
    "associated partner": "associatedPartner",
    "third party": "thirdParty",
    "third_party": "thirdParty",
    "thirdparty": "thirdParty",
    "international_partner": "internationalPartner",
    "international partner": "internationalPartner",
    "host institution": "hostInstitution",
    "host_institution": "hostInstitution",
}


def role(raw: str | None, partner_type: str | None = None) -> str | None:
    """The canonical role of a participation, or None when the raw value is unknown.

    The Dashboard's partner type wins over its role for third parties and partners: a
    `PARTICIPANT` of type `THIRDPARTY` is a third party.

    >>> role('COORDINATOR'), role('PARTICIPANT', 'THIRDPARTY'), role('associatedPartner')
    ('coordinator', 'thirdParty', 'associatedPartner')
    """
    if partner_type:
        typed = _lookup(partner_type)
        if typed is not None and typed not in ("beneficiary", "participant"):
            return typed
    return _lookup(raw) if raw else None


def _lookup(raw: str) -> str | None:
    folded = raw.strip().lower()
    return _BY_FOLDED.get(folded) or _ALIASES.get(folded)
