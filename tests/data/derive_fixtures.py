"""How the re-laid-out fixtures in this folder were made from real CORDIS rows (run once).

Kept for provenance; the tests never run it. It reads ../shared/data/cordis-real (the team's
copy of real CORDIS files, see README.md here) and writes:
- dashboard-export-2021-extract.csv: the header, the first 150 rows and every US row;
- organization-quirks.csv: 6 real HE rows in the current format, with the changes listed in
  README.md (an embedded newline, an empty project ID, an impossible date, a bad amount,
  an unknown country code);
- cordis-fp7projects.csv / cordis-fp7organizations.csv and the H2020 pair: real FP7 and
  H2020 participation rows (zambujo/swissparticipation extracts of CORDIS) written in the
  pre-2021 single-file layout: BOM, Windows-1252, comma decimals, `;`-lists in quoted fields;
- funding-schemes-seen.csv: every funding-scheme code of those files and of the real scheme
  lists, where it was seen and its participations in the extracts.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from pathlib import Path

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "cordis-real"
HERE = Path(__file__).resolve().parent


def write(path: Path, header: list[str], rows: list[list[str]], *, legacy: bool) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n" if legacy else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("cp1252" if legacy else "utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if legacy else b"") + data)


def dashboard() -> None:
    lines = (
        (REAL / "h2020-fp7-derived-cordis-plus/dashboard-export-2021.csv")
        .read_text("utf-8")
        .splitlines(keepends=True)
    )
    rows = list(csv.reader(lines))
    country = rows[0].index("country_code")
    keep = [0, *range(1, 151), *[i for i, r in enumerate(rows) if i > 150 and r[country] == "US"]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows[i] for i in keep)
    (HERE / "dashboard-export-2021-extract.csv").write_text(buffer.getvalue(), "utf-8")


def quirks() -> None:
    with gzip.open(
        REAL / "horizon-europe/DERIVED_HE_organization_2024_all_rows.csv.gz",
        "rt",
        encoding="utf-8",
        newline="",
    ) as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    us = [r for r in body if r[col["country"]] == "US"][:5]
    with_semicolon = next(r for r in body if ";" in r[col["name"]] or ";" in r[col["street"]])
    chosen = [list(r) for r in (*us, with_semicolon)]
    chosen[1][col["street"]] = chosen[1][col["street"]].replace(" ROOM", "\nROOM", 1)
    chosen[2][col["projectID"]] = ""
    chosen[3][col["ecContribution"]] = "12O00"
    chosen[3][col["contentUpdateDate"]] = "2023-02-30 16:11:19"
    chosen[4][col["country"]] = "ZZ"
    write(HERE / "organization-quirks.csv", header, chosen, legacy=False)


def legacy_pair(source: str, programme: str, ids: list[str], prefix: str) -> None:
    with (REAL / "h2020-fp7-derived-cordis-plus" / source).open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["project_id"] in ids]
    by_project: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_project[row["project_id"]].append(row)
    fp7 = programme == "FP7"
    org_header = [
        "projectRcn",
        "projectID",
        "projectAcronym",
        "role",
        "id",
        "name",
        "shortName",
        "activityType",
        "endOfParticipation",
        "ecContribution",
        "country",
        "street",
        "city",
        "postCode",
        "organizationUrl",
    ]
    org_header += [] if fp7 else ["vatNumber", "contactForm"]
    org_header += [
        "contactType",
        "contactTitle",
        "contactFirstNames",
        "contactLastNames",
        "contactFunction",
        "contactTelephoneNumber",
        "contactFaxNumber",
    ]
    organisations = []
    for index, row in enumerate(rows):
        amount = row["ec_contribution"].replace(".", ",") if row["ec_contribution"] != "NA" else ""
        if fp7 and index == 3:
            amount = "xxxxxxx"  # the placeholder of the real FP7 file (around row 13,598)
        record = [
            "",
            row["project_id"],
            row["project_acronym"],
            row["partner_role"].lower(),
            row["pic"],
            row["legal_name"],
            row["legal_short_name"].replace("NA", ""),
            row["legal_entity_type"],
            "false",
            amount,
            row["country_code"],
            "",
            "",
            "",
            row["legal_url"].replace("NA", ""),
        ]
        record += [] if fp7 else ["", ""]
        organisations.append(record + [""] * 7)
    write(HERE / f"{prefix}organizations.csv", org_header, organisations, legacy=True)
    id_name = "reference" if fp7 else "id"
    project_header = [
        "rcn",
        id_name,
        "acronym",
        "status",
        "programme",
        "topics",
        "frameworkProgramme",
        "title",
        "startDate",
        "endDate",
        "projectUrl",
        "objective",
        "totalCost",
        "ecMaxContribution",
        "call",
        "fundingScheme",
        "coordinator",
        "coordinatorCountry",
        "participants",
        "participantCountries",
        "subjects",
    ]
    projects = []
    for project_id, members in by_project.items():
        first = members[0]
        coordinator = next((m for m in members if m["partner_role"] == "Coordinator"), first)
        others = [m for m in members if m is not coordinator]
        projects.append(
            [
                "",
                project_id,
                first["project_acronym"],
                "",
                first["legal_basis"],
                first["topic_code"],
                programme,
                "",
                first["start_date"],
                first["end_date"],
                "",
                "",
                "",
                "",
                "",
                first["funding_scheme"],
                coordinator["legal_name"],
                coordinator["country_code"],
                ";".join(m["legal_name"] for m in others),
                ";".join(m["country_code"] for m in others),
                "",
            ]
        )
    write(HERE / f"{prefix}projects.csv", project_header, projects, legacy=True)


def funding_schemes_seen() -> None:
    """Every funding-scheme code in the real files, with where it was seen and, in the
    CORDIS participation extracts, how many participations carry it."""
    seen: dict[str, set[str]] = defaultdict(set)
    participations: dict[str, int] = defaultdict(int)
    plus = REAL / "h2020-fp7-derived-cordis-plus"
    for name in ("cordis-plus-2007", "cordis-plus-2014", "cordis-plus-2022", "cordis-plus-2023"):
        with (plus / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                seen[row["funding_scheme"]].add(name)
                participations[row["funding_scheme"]] += 1
    lists = (
        ("reference/dataesr-pcri/instru_nomenclature.csv", "utf-8", "instrument"),
        (
            "reference/dataesr-Horizon-2020/data_access_txt_ACTION_TYPE.txt",
            "latin-1",
            "CD_ACTION_TYPE",
        ),
        ("horizon-europe/project_2021_cleaned_invalid_fields.csv", "utf-8", "fundingScheme"),
    )
    for path, encoding, column in lists:
        with (REAL / path).open(encoding=encoding, newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                seen[row[column]].add(Path(path).name)
    rows = [
        [code, " ".join(sorted(seen[code])), str(participations[code])] for code in sorted(seen)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["code", "seen_in", "participations"])
    writer.writerows(rows)
    (HERE / "funding-schemes-seen.csv").write_text(buffer.getvalue(), "utf-8")


if __name__ == "__main__":
    dashboard()
    quirks()
    legacy_pair("cordis-plus-2007.csv", "FP7", ["200186", "212879", "216736"], "cordis-fp7")
    legacy_pair("cordis-plus-2022.csv", "H2020", ["890984", "893034", "101018013"], "cordis-h2020")
    funding_schemes_seen()
