"""Partner search: the questions users ask, answered from the whole record.

For an organisation ("who across the Atlantic fits us?", "who is like us?"), for a theme or a
call (topic code or prefix, programme part, field of science, free text), for a project ("who
could have joined?"), and the European coordinators open to US partners. Every answer is a
`Suggestions`: ranked organisations with their reasons, which the CLI prints, the pages show,
the API returns and the exports write. Organisations only: no person is ever named.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa

from bilat.bridges import evidence as records
from bilat.bridges.evidence import Evidence, Ints
from bilat.bridges.postings import ranges
from bilat.bridges.ranking import rank
from bilat.bridges.reasons import neighbours, reasons
from bilat.bridges.signals import Question
from bilat.bridges.weights import SHIPPED
from bilat.errors import ParameterError, WarehouseMissingError, WarehouseOutdatedError
from bilat.indicators.filters import parse_parts
from bilat.warehouse import bridges as sources
from bilat.warehouse.store import Warehouse

LIMIT = 20
MAXIMUM = 200
SIDES = ("EU", "US")
DEFINITION = (
    "Organisations ranked by a learned combination of their CORDIS track record for the "
    "question: projects in the same programme part and topic family, fields of science and "
    "words in common, partners in common, projects with participants across the Atlantic, "
    "coordinations and recent activity. Suggestions, not endorsements: see the evaluation."
)
COLUMNS = (
    "rank",
    "pic",
    "name",
    "country",
    "city",
    "activity_type",
    "projects",
    "coordinated",
    "score",
    "reasons",
)

_lock = threading.Lock()
_current: dict[tuple[str, tuple[int, int]], tuple[Evidence, dict[int, dict[str, object]]]] = {}


@dataclass(frozen=True)
class Suggestions:
    """Ranked organisations for a question, with what the question was."""

    title: str
    question: str
    rows: list[dict[str, object]]

    def table(self) -> pa.Table:
        """The suggestions as a table to export, the question and method in its metadata."""
        schema = pa.schema(
            [
                ("rank", pa.int64()),
                ("pic", pa.int64()),
                ("name", pa.string()),
                ("country", pa.string()),
                ("city", pa.string()),
                ("activity_type", pa.string()),
                ("projects", pa.int64()),
                ("coordinated", pa.int64()),
                ("score", pa.float64()),
                ("reasons", pa.string()),
            ]
        )
        rows = [
            row | {"reasons": "; ".join(row["reasons"])}  # type: ignore[arg-type]
            for row in self.rows
        ]
        table = pa.Table.from_pylist(rows, schema=schema)
        return table.replace_schema_metadata(
            {
                "title": self.title,
                "definition": DEFINITION,
                "filters": self.question,
                "unit": "organisations, best first",
            }
        )


def current(warehouse: Warehouse) -> tuple[Evidence, dict[int, dict[str, object]]]:
    """The record of every project and the organisations' identities, read once per
    warehouse file from the partner index stored at ingest (an ingest swaps the file, and the
    next call reads them again)."""
    key = (str(warehouse.path), warehouse.generation)
    with _lock:
        found = _current.get(key)
        if found is None:
            identities = {
                int(row["pic"]): row for row in sources.organisations(warehouse).to_pylist()
            }
            found = (records.load(warehouse), identities)
            _current.clear()
            _current[key] = found
    return found


def preload(warehouse: Warehouse) -> bool:
    """Read the partner index now, then close the warehouse's connection: a server calls it
    before it forks its workers, which then share the arrays and answer their first question
    as fast as any. False when there is no current warehouse to read (the pages say so)."""
    try:
        current(warehouse)
    except (WarehouseMissingError, WarehouseOutdatedError):
        return False
    finally:
        warehouse.close()
    return True


def parse_side(value: str | None) -> str | None:
    """EU (member states and associated countries) or US; None leaves it to the question."""
    if value is None or value == "":
        return None
    side = value.strip().upper()
    if side not in SIDES:
        raise ParameterError("side", f"{value!r} is not a side; use EU or US")
    return side


def parse_limit(value: object) -> int:
    """How many suggestions: 1 to `MAXIMUM`."""
    if value is None or value == "":
        return LIMIT
    try:
        number = int(str(value))
    except ValueError:
        raise ParameterError("limit", f"{value!r} is not a whole number") from None
    if not 1 <= number <= MAXIMUM:
        raise ParameterError("limit", f"{number} is out of range; use 1 to {MAXIMUM}")
    return number


def _answer(
    warehouse: Warehouse,
    question: Question,
    *,
    title: str,
    described: str,
    head: str,
    limit: int,
) -> Suggestions:
    evidence, identities = current(warehouse)
    ranked = rank(evidence, question, SHIPPED, head=head, limit=limit, named=True)
    names = _Names(identities)
    partner = evidence.org(question.partners[0]) if len(question.partners) == 1 else None
    introducers = neighbours(evidence, partner) if partner is not None else None
    rows = []
    for position, n in enumerate(ranked.order.tolist(), start=1):
        pic = int(evidence.pics[n])
        identity = identities.get(pic, {})
        rows.append(
            {
                "rank": position,
                "pic": pic,
                "name": identity.get("name"),
                "country": identity.get("country"),
                "city": identity.get("city"),
                "activity_type": identity.get("activity_type"),
                "projects": int(evidence.project_count[n]),
                "coordinated": int(ranked.signals["coordinated"][n]),
                "score": round(float(ranked.score[n]), 3),
                "reasons": reasons(evidence, question, ranked, n, names, introducers=introducers),
            }
        )
    return Suggestions(title, described, rows)


class _Names(Mapping[int, str]):
    """Organisation names read from the identities as the reasons ask for them (building a
    dictionary of every name per question cost more than the ranking)."""

    def __init__(self, identities: dict[int, dict[str, object]]) -> None:
        self._identities = identities

    def __getitem__(self, pic: int) -> str:
        return str(self._identities[pic]["name"])

    def __iter__(self) -> Iterator[int]:
        return iter(self._identities)

    def __len__(self) -> int:
        return len(self._identities)


# How much of an organisation's record its question keeps: its main parts, topics and fields.
PROFILE_PARTS = 3
PROFILE_TOPICS = 10
PROFILE_FIELDS = 10


def _profile(evidence: Evidence, org: int) -> Question:
    """An organisation's record as a question: its main programme parts, topics and fields
    (the most frequent of each), and itself as the partner. A university with thousands of
    projects touches almost every key; its main ones say what it does, and keep the question
    as quick to answer as a small organisation's."""
    mine = evidence.org_projects[org].tolist()
    parts = _most_common((evidence.project_part[n] for n in mine), PROFILE_PARTS)
    topics = _most_common((evidence.project_topic[n] for n in mine), PROFILE_TOPICS)
    fields = _main_fields(evidence, evidence.org_projects[org], PROFILE_FIELDS)
    pic = int(evidence.pics[org])
    side = "US" if evidence.european[org] else "EU"
    return Question(parts, topics, fields, "", (pic,), side, (pic,))


def _main_fields(evidence: Evidence, projects: Ints, count: int) -> tuple[str, ...]:
    """The `count` field paths most named by `projects` (ties by path), in path order."""
    slices = evidence.project_field_numbers
    rows = ranges(slices.bounds[projects], slices.bounds[projects + 1])
    numbers = slices.values[rows[evidence.project_field_own[rows]]]
    found, counts = np.unique(numbers, return_counts=True)
    named = sorted(
        zip((-counts).tolist(), (evidence.key_names[k] for k in found.tolist()), strict=True)
    )
    return tuple(sorted(name for _, name in named[:count]))


def _most_common(values: Iterable[str | None], count: int) -> tuple[str, ...]:
    """The `count` most frequent values (ties by value), in value order."""
    found = Counter(value for value in values if value)
    return tuple(sorted(v for v, _ in sorted(found.items(), key=lambda i: (-i[1], i[0]))[:count]))


def _organisation(evidence: Evidence, pic: int) -> int:
    found = evidence.org(pic)
    if found is None:
        raise ParameterError("organisation", f"no participation of PIC {pic} is in the record")
    return found


def for_organisation(
    warehouse: Warehouse, pic: int, *, side: str | None = None, limit: int = LIMIT
) -> Suggestions:
    """Organisations across the Atlantic that fit this one (US → European, European → US;
    any other country → European unless `side` says otherwise)."""
    evidence, identities = current(warehouse)
    question = _profile(evidence, _organisation(evidence, pic))
    if side:
        question = replace(question, side=side)
    name = identities.get(pic, {}).get("name", pic)
    where = "European" if question.side == "EU" else "US"
    return _answer(
        warehouse,
        question,
        title=f"{where} partners for {name}",
        described=f"organisation {pic}, side {question.side}",
        head="participant",
        limit=limit,
    )


def similar(warehouse: Warehouse, pic: int, *, limit: int = 10) -> Suggestions:
    """Organisations on the same side with the most similar record (no shared partner
    needed: the question leaves the organisation's partners out)."""
    evidence, identities = current(warehouse)
    org = _organisation(evidence, pic)
    question = _profile(evidence, org)
    side = "EU" if evidence.european[org] else ("US" if evidence.american[org] else "EU")
    question = replace(question, side=side, partners=())
    name = identities.get(pic, {}).get("name", pic)
    return _answer(
        warehouse,
        question,
        title=f"Organisations like {name}",
        described=f"organisation {pic}, same side {side}",
        head="participant",
        limit=limit,
    )


def for_theme(
    warehouse: Warehouse,
    *,
    topic: str | None = None,
    part: str | None = None,
    field: str | None = None,
    text: str | None = None,
    side: str | None = None,
    coordinators: bool = True,
    limit: int = LIMIT,
) -> Suggestions:
    """Organisations active in a theme or call: European coordinators that take US partners
    (side EU, the default), or the US organisations active there (side US)."""
    evidence, _ = current(warehouse)
    parts = parse_parts(part) if part else ()
    fields = _fields(evidence, field) if field else ()
    topics = (topic.strip().upper(),) if topic and topic.strip() else ()
    if not (topics or parts or fields or (text and text.strip())):
        raise ParameterError(
            "topic",
            "ask about a topic code or prefix, a programme part, a field of science or some words",
        )
    side = side or "EU"
    question = Question(tuple(parts), topics, fields, text or "", (), side)
    _matched(evidence, question)
    asked = ", ".join(
        f"{k} {v}"
        for k, v in (("topic", topic), ("part", part), ("field", field), ("text", text))
        if v
    )
    head = "coordinator" if coordinators and side == "EU" else "participant"
    who = (
        "European coordinators"
        if head == "coordinator"
        else ("US organisations" if side == "US" else "European organisations")
    )
    return _answer(
        warehouse,
        question,
        title=f"{who} for {asked}",
        described=f"{asked}, side {side}",
        head=head,
        limit=limit,
    )


def _matched(evidence: Evidence, question: Question) -> None:
    """Refuse a topic or words that no project of the record matches: the ranking would
    fall back on popularity alone and read as an answer about them."""
    families = [key for key in question.families if key.count("-") > 0]
    if question.topics and not any(key in evidence.by_family for key in families):
        raise ParameterError(
            "topic",
            f"no project of the record is under topic {question.topics[0]!r} or a family of "
            "it; topic codes are Horizon Europe's (HORIZON-CL5-2024-D3-01-01, or a prefix "
            "such as HORIZON-CL5), the Horizon 2020 record has no topics",
        )
    if question.text.strip() and not any(word in evidence.by_word for word in question.words):
        raise ParameterError(
            "text",
            f"none of the words of {question.text.strip()!r} is in the record's topic titles, "
            "legal-basis titles or field names",
        )


def _fields(evidence: Evidence, name: str) -> tuple[str, ...]:
    """The EuroSciVoc paths whose name (last step) or path matches `name`."""
    wanted = name.strip().casefold()
    paths = [
        key
        for key in evidence.by_field
        if key.rsplit("/", 1)[-1].casefold() == wanted or key.casefold() == wanted
    ]
    if not paths:
        paths = [key for key in evidence.by_field if wanted in key.rsplit("/", 1)[-1].casefold()]
    if not paths:
        raise ParameterError(
            "field",
            f"{name!r} is not a EuroSciVoc field of the record; use a "
            "name such as 'artificial intelligence' or 'oncology'",
        )
    return tuple(sorted(paths))


def for_project(
    warehouse: Warehouse, programme: str, project_id: int, *, limit: int = 10
) -> Suggestions:
    """European organisations that could have joined a project: its part, topic and fields,
    with its members as partners (who knows them), its members left out."""
    evidence, _ = current(warehouse)
    try:
        n = evidence.project_keys.index((programme, project_id))
    except ValueError:
        raise ParameterError("project", f"{programme} {project_id} has no participation") from None
    members = tuple(int(evidence.pics[o]) for o in evidence.project_orgs[n])
    part, topic = evidence.project_part[n], evidence.project_topic[n]
    question = Question(
        (part,) if part else (),
        (topic,) if topic else (),
        evidence.fields_of(n),
        "",
        members,
        "EU",
        members,
    )
    return _answer(
        warehouse,
        question,
        title="Organisations that could have joined",
        described=f"project {programme} {project_id}",
        head="participant",
        limit=limit,
    )


def open_coordinators(
    warehouse: Warehouse,
    *,
    part: str | None = None,
    field: str | None = None,
    limit: int = LIMIT,
) -> list[dict[str, object]]:
    """European organisations that coordinated projects with US participants, most such
    projects first, with those projects listed: the shortest path into a consortium."""
    evidence, identities = current(warehouse)
    # Projects listed by name only: the earlier record has no acronyms to show.
    chosen = evidence.project_has_american & evidence.project_listed
    if part:
        keep = np.zeros(evidence.projects, bool)
        keep[evidence.projects_of(parse_parts(part), evidence.by_part)] = True
        chosen &= keep
    if field:
        keep = np.zeros(evidence.projects, bool)
        keep[evidence.projects_of(_fields(evidence, field), evidence.by_field)] = True
        chosen &= keep
    rows = chosen[evidence.participation_project] & evidence.participation_coordinator
    rows &= evidence.european[evidence.participation_org]
    led: dict[int, list[int]] = {}
    for org, project in zip(
        evidence.participation_org[rows].tolist(),
        evidence.participation_project[rows].tolist(),
        strict=True,
    ):
        led.setdefault(org, []).append(project)
    ordered = sorted(led.items(), key=lambda item: (-len(item[1]), int(evidence.pics[item[0]])))
    found = []
    for position, (org, projects) in enumerate(ordered[:limit], start=1):
        pic = int(evidence.pics[org])
        identity = identities.get(pic, {})
        found.append(
            {
                "rank": position,
                "pic": pic,
                "name": identity.get("name"),
                "country": identity.get("country"),
                "activity_type": identity.get("activity_type"),
                "projects_with_us": len(projects),
                "projects": [
                    {
                        "programme": evidence.project_keys[p][0],
                        "project_id": evidence.project_keys[p][1],
                        "acronym": evidence.project_acronym[p],
                        "part": evidence.project_part[p],
                    }
                    for p in sorted(projects)
                ],
            }
        )
    return found


def find_organisations(
    warehouse: Warehouse, text: str, *, limit: int = 10
) -> list[dict[str, object]]:
    """Organisations whose name or short name holds `text` (or whose PIC it is), most
    projects first: how a user names the organisation to ask about."""
    evidence, identities = current(warehouse)
    wanted = text.strip().casefold()
    if not wanted:
        return []
    found = []
    for pic, row in identities.items():
        names = f"{row.get('name') or ''} {row.get('short_name') or ''}".casefold()
        n = evidence.org(pic)
        if n is not None and (wanted in names or wanted == str(pic)):
            found.append((int(evidence.project_count[n]), pic, row))
    found.sort(key=lambda item: (-item[0], item[1]))
    return [row | {"projects": count} for count, _pic, row in found[:limit]]
