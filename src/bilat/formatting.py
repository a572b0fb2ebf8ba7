"""How bilat writes figures and column names, on pages and in reports alike.

1,234 participations; €52,761,215; a share as 12.3%; codes such as roles and activity types
by their titles. One place, so that a figure reads the same in every output.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

import pyarrow as pa

from bilat.cordis import reference
from bilat.cordis.roles import ACTIVITY_TYPES, ROLE_TITLES

TITLES = {
    "programme": "Programme",
    "participations": "Participations",
    "funded_participations": "Funded",
    "unfunded_participations": "Unfunded",
    "organisations": "Organisations",
    "projects": "Projects",
    "coordinated_projects": "Coordinated",
    "ec_contribution": "EU contribution",
    "net_ec_contribution": "Net EU contribution",
    "ec_max_contribution": "Maximum EU contribution",
    "total_cost": "Total cost",
    "share": "Share of the country's participations",
    "programme_share": "Share of all",
    "share_participations": "Share of participations",
    "share_ec_contribution": "Share of EU contribution",
    "programme_part": "Programme part",
    "programme_part_code": "Legal basis",
    "scheme_group": "Scheme group",
    "funding_scheme": "Funding scheme",
    "organisation_type": "Organisation type",
    "activity_type": "Type",
    "sme": "SME",
    "state_name": "State",
    "us_state": "State",
    "field": "Field of science",
    "project_id": "Project",
    "pic": "PIC",
    "shared_projects": "Shared projects",
    "rank_participations": "Rank (participations)",
    "rank_ec_contribution": "Rank (EU contribution)",
    "third_countries": "Third countries ranked by participations",
    "third_countries_ec_contribution": "Third countries ranked by EU contribution",
    "iso_code": "ISO code",
    "cordis_code": "CORDIS code",
    "third_country_participations": "As third country",
    "year_basis": "Year from",
    "programme_year": "Programme year",
    "participations_fp7": "FP7",
    "participations_h2020": "H2020",
    "participations_he": "HE",
}
# Columns whose codes have a readable title beside them.
STATUS_TITLES = {
    "member_state": "EU member state",
    "associated": "Associated",
    "partly_associated": "Associated in part",
    "third_country": "Third country",
    "unknown": "Unknown",
}
VALUE_TITLES = {"role": ROLE_TITLES, "activity_type": ACTIVITY_TYPES, "status": STATUS_TITLES}


# A figure that is missing (a year barely begun): never 0, never a blank that reads as one.
MISSING = "—"
# Why an amount reads MISSING: CORDIS leaves an associated partner's EU contribution empty
# (they receive none by design), and a sum of only empty amounts is empty, not 0. The cards,
# the tables' notes and the comparison all say it in these words.
NO_AMOUNT_WHY = "not recorded in CORDIS (associated partners receive none), not 0"
NO_AMOUNT = f"{MISSING} for an amount: {NO_AMOUNT_WHY}."
# Why a rank by EU contribution reads MISSING: the peer benchmark does not rank as 0 a country
# whose amounts as a third country CORDIS leaves all empty.
NO_RANK = (
    f"{MISSING} for a rank by EU contribution: CORDIS records none of the amounts of the "
    "country's participations as a third country, so it is not ranked by EU contribution "
    "(a missing amount is not 0)."
)


def title(column: str) -> str:
    """The header of a column."""
    if column.startswith("share_") and column not in TITLES:
        named = TITLES.get(column.removeprefix("share_"), column)
        return "Share: " + named[:1].lower() + named[1:]  # "net EU contribution", not "eu"
    return TITLES.get(column, column.replace("_", " ").capitalize())


def text(column: str, value: Any) -> str:
    """A value as the pages write it: 1,234; €1,234,567; 12.3%; a role or type by its title."""
    if isinstance(value, int | float | Decimal):
        return figure(column, value)
    return titled(VALUE_TITLES.get(column, {}), value)


def titled(titles: Mapping[str, str], value: object) -> str:
    """A code by its title in `titles`; the breakdowns' bucket of rows without a value
    (`unknown`) as a label like the others; any other value as it is."""
    key = str(value)
    if key in titles:
        return titles[key]
    return "Unknown" if key == "unknown" else key


# Whole numbers that name something rather than count it, written without thousands
# separators: years and ranks (any column whose name holds these words), and the PICs of
# organisations (these columns).
_NAMING_WORDS = ("year", "rank")
_IDENTIFIERS = ("pic", "source", "target")


def figure(column: str, value: float | Decimal) -> str:
    """A number as every output writes it: 1,234; €1,234,567 for amounts; 12.3% for a share;
    2021 for a year and 999467340 for a PIC; yes or no for a flag.

    >>> figure("participations", 1234), figure("ec_contribution", Decimal("52761214.82"))
    ('1,234', '€52,761,215')
    >>> figure("share_participations", 0.1234), figure("year", 2021), figure("sme", True)
    ('12.3%', '2021', 'yes')
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and "share" in column:
        return percent(value)
    if isinstance(value, Decimal):
        return f"€{value:,.0f}"
    if isinstance(value, int):
        naming = column in _IDENTIFIERS or any(word in column for word in _NAMING_WORDS)
        return str(value) if naming else f"{value:,}"
    return f"{value:,.2f}"


def counted(number: int, noun: str) -> str:
    """A count and its noun, singular for one.

    >>> counted(1, "figure"), counted(0, "figure"), counted(1234, "table")
    ('1 figure', '0 figures', '1,234 tables')
    """
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def percent(value: float) -> str:
    """A share as a percentage that keeps its significance: a small share is never "0.0%".

    >>> percent(0.0108), percent(0.0002), percent(0.0000345), percent(0.0)
    ('1.1%', '0.02%', '0.0034%', '0%')
    """
    points = value * 100
    if points == 0:
        return "0%"
    if abs(points) >= 0.1:
        return f"{points:.1f}%"
    return f"{points:.2g}%"


def euros(value: Decimal | float | None) -> str:
    """An amount for a sentence: €52.8 million, €1.25 billion, €250,000; a missing one (a
    sum of amounts CORDIS leaves empty) as not recorded, never as none, which reads as 0.

    >>> euros(Decimal("52761214.82")), euros(None)
    ('€52.8 million', 'an amount not recorded in CORDIS')
    """
    if value is None:
        return "an amount not recorded in CORDIS"
    amount = float(value)
    if abs(amount) >= 1e9:
        return f"€{amount / 1e9:,.2f} billion"
    if abs(amount) >= 1e6:
        return f"€{amount / 1e6:,.1f} million"
    return f"€{amount:,.0f}"


_WITH_ARTICLE = (
    "United ",
    "Netherlands",
    "Czech",
    "Philippines",
    "Russian",
    "Republic",
    "Dominican",
    "Central African",
    "Gambia",
    "Bahamas",
    "Maldives",
    "Comoros",
    "EU ",
    "Countries ",
    "Third ",
    "Holy See",
    "Faroe",
    "Solomon",
    "Marshall",
)


def with_article(name: str) -> str:
    """A country's name as a sentence needs it: the United States, but Canada.

    >>> with_article("United States"), with_article("Canada")
    ('the United States', 'Canada')
    """
    return f"the {name}" if name.startswith(_WITH_ARTICLE) else name


# Columns of names and places that CORDIS often writes in capitals: pages show them in a
# readable case (`readable`), downloads as CORDIS wrote them.
READABLE = frozenset({"name", "source_name", "target_name", "city", "organisation_name"})
# Words a name in readable case keeps in lower case (after its first word), in the languages
# of the CORDIS names that are written in capitals.
_SMALL_WORDS = frozenset(
    {
        "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "de",
        "del", "della", "delle", "degli", "dei", "di", "da", "do", "dos", "das", "du", "des",
        "la", "le", "les", "et", "en", "y", "e", "und", "der", "die", "den", "dem", "zur",
        "zum", "fur", "für", "von", "van", "voor", "op", "het", "og", "och", "l", "d"
    }
)  # fmt: skip
# Company and legal forms, and acronyms with a vowel, written as their owners write them.
_FORMS = {
    "GMBH": "GmbH", "EV": "eV", "AG": "AG", "SA": "SA", "SAS": "SAS", "SL": "SL", "SRL": "Srl",
    "SPA": "SpA", "BV": "BV", "NV": "NV", "AB": "AB", "AS": "AS", "ASA": "ASA", "OY": "Oy",
    "LTD": "Ltd", "PLC": "plc", "LLC": "LLC", "INC": "Inc", "CORP": "Corp", "KG": "KG",
    "CO": "Co", "USA": "USA", "UK": "UK", "EU": "EU", "US": "US", "IBM": "IBM", "MIT": "MIT",
    "NASA": "NASA", "CERN": "CERN", "UCLA": "UCLA", "NIH": "NIH", "NOAA": "NOAA", "ETH": "ETH",
    "EPFL": "EPFL", "ESA": "ESA", "EMBL": "EMBL", "SRI": "SRI",
}  # fmt: skip
_VOWELS = frozenset("AEIOUY")


def readable(name: str) -> str:
    """A name CORDIS writes in capitals, in a readable case: small words in lower case,
    legal forms as usual, and words without a vowel (acronyms such as CNRS) or with a digit
    kept as they are. A name with any lower-case letter is left as its owner wrote it.

    >>> readable("THE REGENTS OF THE UNIVERSITY OF CALIFORNIA")
    'The Regents of the University of California'
    >>> readable("CENTRE NATIONAL DE LA RECHERCHE SCIENTIFIQUE CNRS")
    'Centre National de la Recherche Scientifique CNRS'
    >>> readable("MAX-PLANCK-GESELLSCHAFT ZUR FORDERUNG DER WISSENSCHAFTEN EV")
    'Max-Planck-Gesellschaft zur Forderung der Wissenschaften eV'
    >>> readable("OAKLAND CA"), readable("Seattle Wa"), readable("3M COMPANY")
    ('Oakland CA', 'Seattle Wa', '3M Company')
    """
    if not any(char.isupper() for char in name) or any(char.islower() for char in name):
        return name
    words = name.split(" ")
    out = []
    for number, word in enumerate(words):
        bare = word.strip(".,;:()[]\"'-").upper()
        last_state = number == len(words) - 1 and number > 0 and bare in _state_codes()
        if bare in _FORMS:
            out.append(word.replace(bare, _FORMS[bare]))
        elif last_state or any(char.isdigit() for char in word) or _acronym(bare):
            out.append(word)
        elif number > 0 and bare.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append("-".join(part[:1] + part[1:].lower() for part in word.split("-")))
    return " ".join(out)


def _capitals(token: str) -> bool:
    """Whether a word of a sentence is a word of a name in capitals: letters (with hyphens,
    apostrophes, full stops or a comma after it), no digit, and not one lower-case letter."""
    letters = [char for char in token if char.isalpha()]
    return (
        bool(letters)
        and all(c.isupper() for c in letters)
        and not any(char.isdigit() for char in token)
    )


def readable_runs(sentence: str) -> list[tuple[str, str | None]]:
    """A sentence cut into pieces, each name CORDIS wrote in capitals (a run of two words or
    more, cut at commas) in a readable case beside its CORDIS spelling, the rest as it is:
    the reasons of the partner search quote names as CORDIS writes them.

    >>> readable_runs("worked with THE REGENTS OF THE UNIVERSITY OF CALIFORNIA (6 projects)")
    [('worked with ', None), ('The Regents of the University of California', \
'THE REGENTS OF THE UNIVERSITY OF CALIFORNIA'), (' (6 projects)', None)]
    >>> readable_runs("topics HORIZON-CL5-2021 with US partners")
    [('topics HORIZON-CL5-2021 with US partners', None)]
    """
    pieces: list[tuple[str, str | None]] = []
    plain = ""
    tokens = re.split(r"(\s+)", sentence)
    position = 0
    while position < len(tokens):
        end = position
        while end < len(tokens) and (
            _capitals(tokens[end]) or (tokens[end].isspace() and end > position)
        ):
            end += 1
        while end > position and tokens[end - 1].isspace():
            end -= 1
        words = [t for t in tokens[position:end] if not t.isspace()]
        if len(words) < 2:
            plain += tokens[position]
            position += 1
            continue
        run = "".join(tokens[position:end])
        # A name ends at a comma or colon; what closes it (a comma, a bracket) stays outside.
        for name, gap in _names_in(run):
            if name:
                if plain:
                    pieces.append((plain, None))
                    plain = ""
                pieces.append((readable(name), name))
            plain += gap
        position = end
    if plain:
        pieces.append((plain, None))
    return pieces


def _names_in(run: str) -> list[tuple[str, str]]:
    """A run of capitals as (name, what follows it) pairs, cut at commas and colons, with the
    brackets and stops around a name left outside it."""
    found = []
    for part in re.split(r"(,\s+|:\s+)", run):
        if re.fullmatch(r",\s+|:\s+", part):
            found.append(("", part))
            continue
        match = re.fullmatch(r"([(\[\"']*)(.*?)([)\]\"'.,;:]*)", part, flags=re.S)
        lead, name, tail = match.groups() if match else ("", part, "")
        found.append(("", lead) if lead else ("", ""))
        found.append((name, tail) if len(name.split()) > 1 else ("", name + tail))
    return found


def _acronym(word: str) -> bool:
    """A word of two letters or more without a vowel: CNRS, KTH (not the article L)."""
    return len(word) > 1 and not set(word) & _VOWELS


@cache
def _state_codes() -> frozenset[str]:
    """The US states' two-letter codes, which end many CORDIS city names ("OAKLAND CA")."""
    return frozenset(row["code"] for row in reference.rows("us_states"))


def is_number(kind: pa.DataType) -> bool:
    """Whether a column holds numbers (shown right-aligned, never cut)."""
    return bool(
        pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
    )
