"""The CORDIS file layouts bilat recognises, told apart by their header, never their name.

A layout says which table a file holds (`kind`), which columns it must have, which column a
row cannot do without (`key`) and which free-text column may absorb stray separators when
unescaped quotes split a row (`free_text`), so that such rows can be recovered safely.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """One known file layout."""

    name: str
    kind: str
    title: str
    required: frozenset[str]
    key: str | None = None
    free_text: str | None = None
    any_of: frozenset[str] = frozenset()

    def matches(self, header: frozenset[str]) -> bool:
        """Whether a header (column names, case-folded) has every column this layout needs."""
        if not self.required <= header:
            return False
        return not self.any_of or bool(self.any_of & header)

    def missing(self, header: frozenset[str]) -> list[str]:
        """Required columns absent from a header, for error messages."""
        return sorted(self.required - header)


def _cols(text: str) -> frozenset[str]:
    return frozenset(name.lower() for name in text.split(";"))


PROJECT = Layout(
    "cordis-project",
    "project",
    "CORDIS project.csv",
    _cols(
        "id;acronym;status;title;startDate;endDate;totalCost;ecMaxContribution;legalBasis;"
        "topics;ecSignatureDate;frameworkProgramme;masterCall;subCall;fundingScheme;objective"
    ),
    key="id",
    free_text="objective",
)
ORGANIZATION = Layout(
    "cordis-organization",
    "organization",
    "CORDIS organization.csv",
    _cols(
        "projectID;projectAcronym;organisationID;name;shortName;SME;activityType;street;"
        "postCode;city;country;role;ecContribution;netEcContribution"
    ),
    key="projectID",
)
EUROSCIVOC = Layout(
    "cordis-euroscivoc",
    "euroscivoc",
    "CORDIS euroSciVoc.csv",
    _cols("projectID;euroSciVocCode;euroSciVocPath;euroSciVocTitle"),
    key="projectID",
    free_text="euroSciVocDescription",
)
LEGAL_BASIS = Layout(
    "cordis-legalbasis",
    "legalbasis",
    "CORDIS legalBasis.csv",
    _cols("projectID;legalBasis;title"),
    key="projectID",
    free_text="title",
)
TOPICS = Layout(
    "cordis-topics",
    "topics",
    "CORDIS topics.csv",
    _cols("projectID;topic;title"),
    key="projectID",
    free_text="title",
)
OLD_PROJECT = Layout(
    "cordis-project-old",
    "project",
    "CORDIS single-file projects (before 2021)",
    _cols(
        "rcn;acronym;status;programme;topics;frameworkProgramme;title;startDate;endDate;"
        "objective;totalCost;ecMaxContribution;call;fundingScheme;coordinator;coordinatorCountry"
    ),
    any_of=frozenset({"id", "reference"}),
    free_text="objective",
)
OLD_ORGANIZATION = Layout(
    "cordis-organization-old",
    "organization",
    "CORDIS single-file organizations (before 2021)",
    _cols(
        "projectRcn;projectID;projectAcronym;role;id;name;shortName;activityType;"
        "endOfParticipation;ecContribution;country;street;city;postCode"
    ),
    key="projectID",
)
DASHBOARD = Layout(
    "dashboard-export",
    "dashboard",
    "Horizon Dashboard raw data export",
    _cols(
        "framework_programme;call_id;topic_code;project_id;project_acronym;partner_role;"
        "partner_type;pic;legal_name;legal_entity_type;country_code;eu_contribution;"
        "signature_date;project_start_date;project_end_date"
    ),
    key="project_id",
)
PROGRAMMES = Layout(
    "cordisref-programmes",
    "programmes",
    "CORDIS programme reference (cordisref-*programmes)",
    _cols("code;title;shortTitle;language"),
    key="code",
)
FUNDING_SCHEMES = Layout(
    "cordisref-fundingschemes",
    "fundingschemes",
    "CORDIS funding scheme reference (cordisref-projectFundingSchemeCategory)",
    _cols("code;title;description;language"),
    key="code",
)
COUNTRIES = Layout(
    "cordisref-countries",
    "countries",
    "CORDIS country reference (cordisref-countries)",
    _cols("euCode;isoCode;name;language"),
    key="euCode",
)
EUROSCIVOC_TREE = Layout(
    "euroscivoc-concepts",
    "euroscivoc_tree",
    "EuroSciVoc concept list (concept, broader, labels)",
    _cols("concept;broader;enLabel"),
    key="concept",
)
# The reduced Horizon 2020 participation table of the December 2020 CORDIS release kept by
# zambujo/eunets (one row per participation, keyed by project RCN, no names) and its
# programme parts: evidence for partner search, never counted by the indicators.
RECORD_PARTICIPATIONS = Layout(
    "eunets-h2020-participations",
    "record_participations",
    "Horizon 2020 participations, reduced (CORDIS December 2020, via zambujo/eunets)",
    _cols("rcn;role;pic;type;contribution;country;start_date;end_date;max_contribution"),
    key="rcn",
)
RECORD_PARTS = Layout(
    "eunets-h2020-parts",
    "record_parts",
    "Horizon 2020 programme parts by project RCN (via zambujo/eunets)",
    _cols("rcn;programme_part"),
    key="rcn",
)

# Order matters where one header could satisfy two layouts: the more specific comes first.
LAYOUTS: tuple[Layout, ...] = (
    PROJECT,
    OLD_PROJECT,
    OLD_ORGANIZATION,
    ORGANIZATION,
    EUROSCIVOC,
    LEGAL_BASIS,
    TOPICS,
    DASHBOARD,
    PROGRAMMES,
    FUNDING_SCHEMES,
    COUNTRIES,
    EUROSCIVOC_TREE,
    RECORD_PARTICIPATIONS,
    RECORD_PARTS,
)

# The tables of a CORDIS zip that bilat uses, by kind (also the folded file name in the zip),
# with what each brings. A file so named whose header does not fit is an error, not a skip.
USED_TABLES = {
    "project": "project.csv (projects)",
    "organization": "organization.csv (participations)",
    "legalbasis": "legalBasis.csv (programme parts)",
    "topics": "topics.csv (call topics)",
    "euroscivoc": "euroSciVoc.csv (fields of science)",
}

# Tables of the CORDIS zips that bilat recognises but does not need for its indicators.
UNUSED_TABLES = frozenset(
    {
        "webitem",
        "weblink",
        "reportsummaries",
        "policypriorities",
        "projectdeliverables",
        "projectpublications",
    }
)


def recognise(header: list[str]) -> Layout | None:
    """The layout whose columns a header carries, or None."""
    folded = frozenset(name.strip().lower() for name in header)
    for layout in LAYOUTS:
        if layout.matches(folded):
            return layout
    return None


def closest(header: list[str]) -> tuple[Layout, list[str]]:
    """The layout a header comes nearest to, with the columns it lacks (for error messages)."""
    folded = frozenset(name.strip().lower() for name in header)
    best = min(LAYOUTS, key=lambda layout: (len(layout.missing(folded)), layout.name))
    return best, best.missing(folded)
