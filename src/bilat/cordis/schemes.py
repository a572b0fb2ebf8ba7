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
# CP-CSA before CSA (it is a combination of collaborative project and support action), and
# the joint undertakings' (JTI) codes collaborative unless they name a support action.
# Codes of FP6, whose instruments FP7 continued, follow the dataesr/pcri correspondence.
_FP6_MOBILITY = "EST|EIF|OIF|IIF|IIFR|ERG|IRG|EXT|EXC|EXA|RTN|RIN|TOK|TOK-DEV|TOK-IAP|SCF|LCF"
_RULES: tuple[tuple[str, str], ...] = (
    (rf"(^|-)MSCA|^MC-|^HORIZON-TMA-MSCA|^PEOPLE|^CAREER$|^({_FP6_MOBILITY})$", "mobility"),
    (r"ERA-NET|COFUND|EJP|^HORIZON-COFUND|^PCP|^PPI|^(ART)?169$", "cofund"),
    (r"(^|-)ERC|^HORIZON-ERC", "frontier"),
    (r"^NOE$|^NOE-|^NOE\b", "networks"),
    (
        r"^CP(-|$)|^CPCSA|(^|-)RIA$|(^|-)IA$|(^|-)RIA-|(^|-)IA-(?!CA$)|-SICA$|^SICA$"
        r"|^HORIZON-(JU-)?(RIA|IA)|^HORIZON-AG|^JTI-(?!.*CSA)|^(INFRASTR-171|IP|STREP|I3|II)$",
        "collaborative",
    ),
    (r"(^|-)CSA|^HORIZON-(JU-)?CSA|^SA$|^CA$|^IA-CA$|(^|-)SSA($|-| )", "coordination"),
    (
        r"(^|-)SME|^BSG|^HORIZON-EIC|^EIC|^FTI|^SGA|^INNOSUP|-EEN-|^KICS$"
        r"|^(CRAFT|COOPERATIVE|COLLECTIVE|CLR|CRS)$",
        "sme_innovation",
    ),
)
_COMPILED = tuple((re.compile(pattern), group) for pattern, group in _RULES)

# Codes that are "other" on purpose, each with the reason; a test fails on any code seen in
# the real files that lands in "other" without being listed here.
_PRE_FP6 = "a contract type of FP4/FP5, before the programmes bilat covers (FP7, H2020, HE)"
_INFRA = "an FP5/FP6 research-infrastructure contract, before the programmes bilat covers"
_CIP = "the Competitiveness and Innovation Programme (CIP), not a framework programme"
DELIBERATELY_OTHER: dict[str, str] = {
    **dict.fromkeys(
        ("ACM", "ACT", "BUR", "CNC", "CND", "CON", "CSC", "DEF", "DEM", "EAD", "EAT", "EAW"),
        _PRE_FP6,
    ),
    **dict.fromkeys(
        ("GIC", "IPC", "NET", "OPC", "RGI", "SER", "STU", "TFGCTC", "THN", "FUSION", "STIP"),
        _PRE_FP6,
    ),
    "SC": "a high-level scientific conference (FP5): an event, not a research project",
    **dict.fromkeys(("DS", "TA", "TALI", "CNI", "LFC"), _INFRA),
    "PSP-PB": _CIP,
    "RFCS": "the Research Fund for Coal and Steel, a fund outside the framework programmes",
    "JRC": "research by the Commission's Joint Research Centre, not a grant",
    "RSSF": "the Risk-Sharing Finance Facility: loans through the EIB, not a grant",
    "DEBT": "the H2020 debt and equity facility: loans and equity, not a grant",
    "IPR": "an inducement prize: paid for a result, not a project",
    "RPR": "a recognition prize: paid for a result, not a project",
    "FPA": "a framework partnership agreement: a frame for later grants, not a grant itself",
    "FPA-SGA": "a framework partnership with its first specific grant: its action is unnamed",
    "DEP": "the Descartes prize (FP6 Science and Society): a prize, not a project",
    "POC": "'Proof of Concept' without a programme: ERC-POC or CSA-SA(POC), cannot tell",
    "NOTAVAILABLE": "CORDIS's own 'no contract type'",
    "ZZZ": "dataesr's placeholder for a missing instrument",
}
# Whole families that are "other" on purpose, by the start of their code.
DELIBERATELY_OTHER_FAMILIES: dict[str, str] = {"CIP-": _CIP}


def why_other(code: str) -> str | None:
    """Why a code is deliberately in the group `other`, or None if it is not listed."""
    folded = code.strip().upper()
    for start, reason in DELIBERATELY_OTHER_FAMILIES.items():
        if folded.startswith(start):
            return reason
    return DELIBERATELY_OTHER.get(folded)


def scheme_group(code: str | None) -> str | None:
    """The group of a funding-scheme code, `other` when no rule matches, None when missing.

    >>> [scheme_group(c) for c in ("CP-FP", "HORIZON-TMA-MSCA-DN", "ERC-STG", "IMI2-RIA", "NoE")]
    ['collaborative', 'mobility', 'frontier', 'collaborative', 'networks']
    >>> [scheme_group(c) for c in ("CSA-SA", "HORIZON-EIC", "ERA-NET-Cofund", "SME-2", "XYZ")]
    ['coordination', 'sme_innovation', 'cofund', 'sme_innovation', 'other']
    >>> [scheme_group(c) for c in ("JTI-CP-IMI", "JTI-CS", "JTI-CSA-FCH", "HORIZON-AG-LS")]
    ['collaborative', 'collaborative', 'coordination', 'collaborative']
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
