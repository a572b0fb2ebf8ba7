"""Funding schemes (types of action) and the groups that reports compare.

CORDIS has hundreds of funding-scheme codes across FP7, H2020 and Horizon Europe, including
joint-undertaking variants (`IMI2-RIA`, `CS2-IA`, `HORIZON-JU-RIA`). Reports compare a handful of
groups; the rules below assign each code to one, in order, and anything unmatched is `other`.
"""

from __future__ import annotations

import re

GROUPS = {
    "collaborative": "Collaborative research",
    "coordination": "Coordination and support",
    "networks": "Networks of excellence",
    "frontier": "Frontier research (ERC)",
    "mobility": "Mobility (Marie Curie / MSCA)",
    "sme_innovation": "SMEs and innovation",
    "cofund": "Co-funding",
    "other": "Other",
}

# (pattern on the upper-cased code, group); the first match wins, so order matters:
# co-funding before mobility (MSCA-COFUND is co-funding of fellowships, reported as MSCA),
# CP-CSA before CSA (it is a combination of collaborative project and support action).
_RULES: tuple[tuple[str, str], ...] = (
    (r"(^|-)MSCA|^MC-|^HORIZON-TMA-MSCA|^PEOPLE", "mobility"),
    (r"ERA-NET|COFUND|EJP|^HORIZON-COFUND|^PCP|^PPI", "cofund"),
    (r"(^|-)ERC|^HORIZON-ERC", "frontier"),
    (r"^NOE$|^NOE-|^NOE\b", "networks"),
    (
        r"^CP(-|$)|^CPCSA|(^|-)RIA$|(^|-)IA$|(^|-)RIA-|(^|-)IA-|-SICA$|^HORIZON-(JU-)?(RIA|IA)",
        "collaborative",
    ),
    (r"(^|-)CSA|^HORIZON-(JU-)?CSA|^SA$|^CA$", "coordination"),
    (r"(^|-)SME|^BSG|^HORIZON-EIC|^EIC|^FTI|^SGA|^INNOSUP", "sme_innovation"),
)
_COMPILED = tuple((re.compile(pattern), group) for pattern, group in _RULES)


def scheme_group(code: str | None) -> str | None:
    """The group of a funding-scheme code, `other` when no rule matches, None when missing.

    >>> [scheme_group(c) for c in ("CP-FP", "HORIZON-TMA-MSCA-DN", "ERC-STG", "IMI2-RIA", "NoE")]
    ['collaborative', 'mobility', 'frontier', 'collaborative', 'networks']
    >>> [scheme_group(c) for c in ("CSA-SA", "HORIZON-EIC", "ERA-NET-Cofund", "SME-2", "XYZ")]
    ['coordination', 'sme_innovation', 'cofund', 'sme_innovation', 'other']
    """
    if code is None or not code.strip():
        return None
    folded = code.strip().upper()
    for pattern, group in _COMPILED:
        if pattern.search(folded):
            return group
    return "other"


_DASHBOARD_TYPES = {
    "research and innovation action": "collaborative",
    "innovation action": "collaborative",
    "coordination and support action": "coordination",
    "erc": "frontier",
    "msca": "mobility",
    "marie sklodowska-curie actions": "mobility",
    "sme instrument": "sme_innovation",
    "cofund": "cofund",
}


def dashboard_group(simplified_type: str | None) -> str | None:
    """The group of the Horizon Dashboard's `simplified_type_of_action` text."""
    if simplified_type is None or not simplified_type.strip():
        return None
    folded = simplified_type.strip().lower()
    for prefix, group in _DASHBOARD_TYPES.items():
        if folded.startswith(prefix):
            return group
    return "other"
