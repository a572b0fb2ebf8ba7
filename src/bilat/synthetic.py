"""Generated CORDIS data at full scale, for benchmarks and scale tests only.

The real FP7 and H2020 dumps are too large to bundle, so `bilat generate` writes zips in
exactly the current CORDIS format (the five tables bilat reads plus `webLink.csv`, `;`
separators, minimal quoting, dot decimals in participations and comma decimals in costs,
embedded newlines and `;` in text, unescaped quotes splitting a few `objective` fields, FP7's
`xxxxxxx` placeholders) at the published sizes. What varies is drawn, with a fixed seed, from
the bundled real Horizon Europe organization table: countries with their cities, post codes and
points, roles, activity types, SME flags, EU contributions and consortium sizes; organisations
recur across projects as they do in reality. Names, acronyms and titles are invented and say
so: generated data is never shown as real.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Bundled real data the distributions are drawn from (a source checkout or `make run` tree).
REAL = Path(__file__).resolve().parents[2] / "data" / "horizon-europe"
PROJECT_HEADER = [
    "id", "acronym", "status", "title", "startDate", "endDate", "totalCost",
    "ecMaxContribution", "legalBasis", "topics", "ecSignatureDate", "frameworkProgramme",
    "masterCall", "subCall", "fundingScheme", "nature", "objective", "contentUpdateDate",
    "rcn", "grantDoi",
]  # fmt: skip
ORGANIZATION_HEADER = [
    "projectID", "projectAcronym", "organisationID", "vatNumber", "name", "shortName", "SME",
    "activityType", "street", "postCode", "city", "country", "nutsCode", "geolocation",
    "organizationURL", "contactForm", "contentUpdateDate", "rcn", "order", "role",
    "ecContribution", "netEcContribution", "totalCost", "endOfParticipation", "active",
]  # fmt: skip


@dataclass(frozen=True)
class Programme:
    """What one programme's generated zip holds."""

    code: str
    framework: str
    zip_name: str
    projects: int
    participations: int
    first_id: int
    years: tuple[int, int]
    parts: tuple[tuple[str, str, tuple[str, ...]], ...]  # legal basis, title, schemes
    roles: tuple[str, ...]  # non-coordinator roles, in the order of ROLE_SHARES


# Published sizes (CORDIS.md); parts and schemes are real codes of each programme.
PROGRAMMES = (
    Programme("FP7", "FP7", "cordis-fp7projects-csv.zip", 25_785, 140_000, 200_000, (2007, 2013), (
        ("FP7-HEALTH", "Health", ("CP-FP", "CP-IP", "CSA-SA")),
        ("FP7-ICT", "Information and communication technologies", ("CP", "CP-IP", "NoE")),
        ("FP7-KBBE", "Food, agriculture and biotechnology", ("CP-FP", "CSA-SA")),
        ("FP7-NMP", "Nanosciences and materials", ("CP-IP", "CP-FP")),
        ("FP7-ENERGY", "Energy", ("CP", "CSA-CA")),
        ("FP7-ENVIRONMENT", "Environment", ("CP", "CSA-CA")),
        ("FP7-TRANSPORT", "Transport", ("CP", "CSA-SA")),
        ("FP7-SSH", "Socio-economic sciences and humanities", ("CP", "CSA-SA")),
        ("FP7-SPACE", "Space", ("CP",)),
        ("FP7-SECURITY", "Security", ("CP", "CSA-SA")),
        ("FP7-IDEAS-ERC", "ERC", ("ERC-SG", "ERC-AG")),
        ("FP7-PEOPLE", "Marie Curie Actions", ("MC-IOF", "MC-IIF", "MC-ITN", "MC-IRSES")),
        ("FP7-INFRASTRUCTURES", "Research infrastructures", ("CP-CSA-Infra", "CSA-SA")),
        ("FP7-SME", "Research for the benefit of SMEs", ("BSG-SME",)),
        ("FP7-EURATOM-FISSION", "Nuclear fission", ("CP", "CSA-SA")),
    ), ("participant",)),
    Programme("H2020", "H2020", "cordis-h2020projects-csv.zip", 35_389, 178_000, 630_000,
              (2014, 2020), (
        ("H2020-EU.1.1.", "ERC", ("ERC-STG", "ERC-COG", "ERC-ADG")),
        ("H2020-EU.1.2.", "Future and Emerging Technologies", ("RIA",)),
        ("H2020-EU.1.3.", "MSCA", ("MSCA-IF-EF-ST", "MSCA-ITN-ETN", "MSCA-RISE")),
        ("H2020-EU.1.4.", "Research Infrastructures", ("RIA", "CSA")),
        ("H2020-EU.2.1.1.", "ICT", ("RIA", "IA", "CSA")),
        ("H2020-EU.2.3.", "Innovation in SMEs", ("SME-1", "SME-2")),
        ("H2020-EU.3.1.", "Health", ("RIA", "CSA")),
        ("H2020-EU.3.2.", "Food and bioeconomy", ("RIA", "IA")),
        ("H2020-EU.3.3.", "Energy", ("RIA", "IA", "CSA")),
        ("H2020-EU.3.4.", "Transport", ("RIA", "IA", "CS2-IA")),
        ("H2020-EU.3.5.", "Climate and environment", ("RIA", "IA")),
        ("H2020-EU.3.6.", "Inclusive societies", ("RIA", "CSA")),
        ("H2020-EU.3.7.", "Secure societies", ("RIA", "IA")),
        ("H2020-EU.4.", "Widening", ("CSA",)),
        ("H2020-EU.5.", "Science with and for Society", ("CSA", "RIA")),
    ), ("participant", "partner", "thirdParty", "internationalPartner")),
    Programme("HE", "HORIZON", "cordis-HORIZONprojects-csv.zip", 17_895, 110_390, 101_000_000,
              (2021, 2025), (
        ("HORIZON.1.1", "European Research Council (ERC)", ("HORIZON-ERC",)),
        ("HORIZON.1.2", "Marie Skłodowska-Curie Actions (MSCA)",
         ("HORIZON-TMA-MSCA-DN", "HORIZON-TMA-MSCA-PF-EF", "HORIZON-TMA-MSCA-SE")),
        ("HORIZON.1.3", "Research infrastructures", ("HORIZON-RIA", "HORIZON-CSA")),
        ("HORIZON.2.1", "Health", ("HORIZON-RIA", "HORIZON-CSA")),
        ("HORIZON.2.4", "Digital, Industry and Space", ("HORIZON-RIA", "HORIZON-IA")),
        ("HORIZON.2.5", "Climate, Energy and Mobility", ("HORIZON-RIA", "HORIZON-IA")),
        ("HORIZON.2.6", "Food, Bioeconomy", ("HORIZON-RIA", "HORIZON-CSA")),
        ("HORIZON.3.1", "The European Innovation Council (EIC)", ("HORIZON-EIC",)),
        ("HORIZON.4.1", "Widening participation", ("HORIZON-CSA",)),
    ), ("participant", "associatedPartner", "thirdParty")),
)  # fmt: skip
SCALES = {"full": 1.0, "tenth": 0.1, "small": 0.01}


def factor(scale: str) -> float:
    """The share of the full scale a `--scale` names: full, tenth, small, or a number (3 for
    three times the published sizes, as the benchmark's growth table uses)."""
    if scale in SCALES:
        return SCALES[scale]
    try:
        found = float(scale)
    except ValueError:
        found = 0.0
    if not 0 < found <= 100:
        raise ValueError(
            f"scale {scale!r}: use one of {', '.join(SCALES)} or a factor of the full scale "
            "between 0 and 100 (such as 3 or 10)"
        )
    return found


@dataclass(frozen=True)
class Organisation:
    pic: int
    name: str
    sme: str
    activity_type: str
    street: str
    post_code: str
    city: str
    country: str
    nuts: str
    point: str


@dataclass(frozen=True)
class Real:
    """The distributions drawn from the real organization table."""

    places: list[tuple[str, str, str, str, str, str, str]]  # one per real row
    sizes: list[int]  # participations per real project
    amounts: list[str]  # ecContribution of real funded rows
    fields: list[tuple[str, str, str]]  # euroSciVoc code, path, title


def _read(name: str) -> Iterator[dict[str, str]]:
    with gzip.open(REAL / name, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=";")


def real() -> Real:
    """Read the bundled Horizon Europe tables once."""
    if not (REAL / "organization.csv.gz").exists():
        raise FileNotFoundError(
            f"{REAL} is missing: generating needs the bundled real data of a source checkout"
        )
    rows = list(_read("organization.csv.gz"))
    sizes: dict[str, int] = {}
    for row in rows:
        sizes[row["projectID"]] = sizes.get(row["projectID"], 0) + 1
    fields = sorted(
        {
            (r["euroSciVocCode"], r["euroSciVocPath"], r["euroSciVocTitle"])
            for r in _read("euroSciVoc.csv.gz")
        }
    )
    return Real(
        places=[
            (
                r["country"],
                r["city"],
                r["postCode"],
                r["nutsCode"],
                r["geolocation"],
                r["activityType"],
                r["SME"],
            )
            for r in rows
        ],
        sizes=sorted(sizes.values()),
        amounts=[r["ecContribution"] for r in rows if r["ecContribution"] not in ("", "0")],
        fields=fields,
    )


def generate(
    target: Path,
    *,
    scale: str = "full",
    seed: int = 2024,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write one CORDIS zip per programme into `target`; the same seed gives the same bytes.

    `scale` is full, tenth, small or a factor of the full scale (see `factor`).
    """
    share = factor(scale)
    target.mkdir(parents=True, exist_ok=True)
    source = real()
    rng = random.Random(seed)
    pool = _organisations(rng, source, count=max(50, int(60_000 * share)))
    written = []
    for programme in PROGRAMMES:
        if progress:
            progress(f"generating {programme.code}")
        written.append(_write_zip(target / programme.zip_name, programme, rng, source, pool, share))
    return written


def _organisations(rng: random.Random, source: Real, count: int) -> list[Organisation]:
    """A pool of organisations with real places; a few have a `;` or a newline in a field."""
    found = []
    for number in range(count):
        country, city, post, nuts, point, kind, sme = rng.choice(source.places)
        street = f"Generated street {number}"
        if number % 997 == 0:
            street += "; building B"  # a separator inside a quoted field
        name = f"GENERATED ORGANISATION {number}"
        if number % 1499 == 0:
            name += '\n"RESEARCH" UNIT'  # an embedded newline and quotes
        found.append(
            Organisation(
                800_000_000 + number * 7, name, sme, kind, street, post, city, country, nuts, point
            )
        )
    return found


def _consortium_sizes(rng: random.Random, source: Real, projects: int, total: int) -> list[int]:
    """Consortium sizes drawn from the real ones, adjusted to add up to `total`."""
    sizes = [rng.choice(source.sizes) for _ in range(projects)]
    difference = total - sum(sizes)  # kept up to date: summing each time made 10x take hours
    while difference != 0:
        index = rng.randrange(projects)
        step = 1 if difference > 0 else -1
        if sizes[index] + step >= 1:
            sizes[index] += step
            difference -= step
    return sizes


def _write_zip(
    path: Path,
    programme: Programme,
    rng: random.Random,
    source: Real,
    pool: list[Organisation],
    scale: float,
) -> Path:
    projects = max(10, round(programme.projects * scale))
    sizes = _consortium_sizes(
        rng, source, projects, max(projects * 2, round(programme.participations * scale))
    )
    tables = {
        name: io.StringIO()
        for name in ("project", "organization", "euroSciVoc", "legalBasis", "topics", "webLink")
    }
    writers = {
        name: csv.writer(handle, delimiter=";", lineterminator="\n")
        for name, handle in tables.items()
    }
    writers["project"].writerow(PROJECT_HEADER)
    writers["organization"].writerow(ORGANIZATION_HEADER)
    writers["euroSciVoc"].writerow(
        [
            "projectID",
            "euroSciVocCode",
            "euroSciVocPath",
            "euroSciVocTitle",
            "euroSciVocDescription",
        ]
    )
    writers["legalBasis"].writerow(["projectID", "legalBasis", "title", "uniqueProgrammePart"])
    writers["topics"].writerow(["projectID", "topic", "title"])
    writers["webLink"].writerow(
        [
            "id",
            "projectID",
            "physUrl",
            "availableLanguages",
            "status",
            "archivedDate",
            "type",
            "source",
            "represents",
        ]
    )
    broken: list[str] = []
    for number, size in enumerate(sizes):
        project_id = programme.first_id + number
        _project(writers, broken, programme, rng, source, pool, project_id, size, number)
    data = {name: handle.getvalue() for name, handle in tables.items()}
    if broken:  # rows whose objective holds unescaped quotes, as some real files have
        data["project"] += "".join(broken)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in data.items():
            info = zipfile.ZipInfo(f"{name}.csv", date_time=(2025, 8, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return path


def _money(rng: random.Random, low: int, high: int, comma: bool) -> str:
    value = f"{rng.randint(low, high)}.{rng.randint(0, 99):02d}"
    return value.replace(".", ",") if comma else value


def _project(
    writers: dict[str, Any],
    broken: list[str],
    programme: Programme,
    rng: random.Random,
    source: Real,
    pool: list[Organisation],
    project_id: int,
    size: int,
    number: int,
) -> None:
    legal, title, schemes = rng.choice(programme.parts)
    scheme = rng.choice(schemes)
    first, last = programme.years
    year = rng.randint(first, last)
    start = f"{year + 1}-{rng.randint(1, 12):02d}-01"
    end = f"{year + 1 + rng.randint(1, 4)}-{rng.randint(1, 12):02d}-28"
    signed = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    acronym = f"GEN{project_id}"
    topic = f"{legal.rstrip('.')}-{year}-{scheme}"
    objective = (
        f"Generated objective of project {project_id}; it is not real.\n"
        f"Second paragraph of the objective."
    )
    members = rng.sample(pool, min(size, len(pool)))
    funded = [_money(rng, 20_000, 900_000, comma=False) for _ in members]
    row = [
        project_id,
        acronym,
        "CLOSED" if year < 2021 else "SIGNED",
        f"Generated project {project_id}",
        start,
        end,
        _money(rng, 100_000, 9_000_000, comma=True),
        _money(rng, 100_000, 8_000_000, comma=True),
        legal,
        topic,
        signed,
        programme.framework,
        f"{legal.rstrip('.')}-{year}",
        topic,
        scheme,
        "",
        objective,
        f"{year + 2}-03-01 10:00:00",
        1_000_000 + project_id,
        "",
    ]
    if number % 4999 == 17:  # unescaped quotes inside objective split the row
        cells = [str(value) for value in row]
        cells[16] = f'"{cells[16].splitlines()[0]} a "quoted; word" inside"'
        broken.append(";".join(cells) + "\n")
    else:
        writers["project"].writerow(row)
    writers["legalBasis"].writerow([project_id, legal, title, "true"])
    if number % 5 == 0:
        writers["legalBasis"].writerow([project_id, legal.split(".")[0], title, "false"])
    writers["topics"].writerow([project_id, topic, f"Generated topic {topic}"])
    for code, path, field in rng.sample(source.fields, rng.randint(1, 3)):
        writers["euroSciVoc"].writerow([project_id, code, path, field, ""])
    if number % 10 == 0:
        writers["webLink"].writerow(
            [
                number,
                project_id,
                "https://example.org",
                "en",
                "",
                "",
                "relatedWebsite",
                "",
                "project",
            ]
        )
    for order, (member, amount) in enumerate(zip(members, funded, strict=True), start=1):
        role = "coordinator" if order == 1 else _role(rng, programme)
        ec = amount if role in ("coordinator", "participant") or rng.random() < 0.3 else ""
        if programme.code == "FP7" and number % 3001 == 5 and order == 2:
            ec = "xxxxxxx"
        writers["organization"].writerow(
            [
                project_id,
                acronym,
                member.pic,
                "",
                member.name,
                "",
                member.sme,
                member.activity_type,
                member.street,
                member.post_code,
                member.city,
                member.country,
                member.nuts,
                member.point,
                "",
                "",
                f"{year + 2}-03-01 10:00:00",
                2_000_000 + project_id * 10 + order,
                order,
                role,
                ec,
                ec,
                ec.replace(".", ",") if ec and ec != "xxxxxxx" else "",
                "false",
                "",
            ]
        )


def _role(rng: random.Random, programme: Programme) -> str:
    """A non-coordinator role in the proportions of the real Horizon Europe table."""
    draw = rng.random()
    roles = programme.roles
    if len(roles) == 1:
        return roles[0]
    if draw < 0.76:
        return roles[0]
    return roles[1] if draw < 0.94 else roles[-1]
