"""The track record partner search ranks from, indexed in memory.

`Evidence` holds the projects of a period, their participations and what describes each
project (programme part, topic family, fields of science, words of its titles) as numpy arrays
and inverted indexes: a question names keys, the keys give weights to projects, and one
`bincount` over the participations turns project weights into organisation scores. Built once
per warehouse file (or per evaluation split), it answers a question in milliseconds.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from bilat.warehouse import bridges as sources
from bilat.warehouse.store import Warehouse

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]

# Words that say nothing about a theme: programme boilerplate and English glue.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "its",
        "of",
        "on",
        "or",
        "the",
        "their",
        "to",
        "towards",
        "with",
        "within",
        "using",
        "based",
        "new",
        "through",
        "under",
        "via",
        "not",
        "all",
        "other",
        "its",
        "horizon",
        "call",
        "calls",
        "topic",
        "ria",
        "csa",
        "ia",
        "action",
        "actions",
        "programme",
        "programmes",
        "support",
        "european",
        "europe",
        "eu",
    ]
)
_WORD = re.compile(r"[^\W\d_][\w-]*[^\W_]|[^\W\d_]", re.UNICODE)
_YEAR_STEP = re.compile(r"^(19|20)\d\d$")


def words(text: str | None) -> set[str]:
    """The meaningful lower-case words of a title or query (three letters or more)."""
    if not text:
        return set()
    found = {w.lower().strip("-") for w in _WORD.findall(text)}
    return {w for w in found if len(w) >= 3 and w not in STOPWORDS}


def topic_families(topic: str | None) -> list[str]:
    """The families a topic code belongs to, broadest first, with the call year dropped.

    `HORIZON-CL5-2023-D3-01-01` belongs to `HORIZON-CL5`, `HORIZON-CL5-D3`, `HORIZON-CL5-D3-01`
    and `HORIZON-CL5-D3-01-01`: the same destination recurs from one work programme to the
    next under a new year, so the year must not separate them.
    """
    if not topic:
        return []
    steps = [
        step.upper() for step in topic.strip().split("-") if step and not _YEAR_STEP.match(step)
    ]
    return ["-".join(steps[:depth]) for depth in range(2, len(steps) + 1)] or (
        [steps[0]] if steps else []
    )


def field_paths(path: str) -> list[str]:
    """A EuroSciVoc path and its ancestors: `/a/b/c` → `/a`, `/a/b`, `/a/b/c`."""
    steps = [step for step in path.split("/") if step]
    return ["/" + "/".join(steps[:depth]) for depth in range(1, len(steps) + 1)]


@dataclass
class Evidence:
    """The record of one period: organisations, projects, participations and indexes."""

    until: int | None
    pics: Ints
    european: Flags
    american: Flags
    project_keys: list[tuple[str, int]]
    project_year: Ints
    project_part: list[str | None]
    project_topic: list[str | None]
    project_acronym: list[str | None]
    participation_project: Ints
    participation_org: Ints
    participation_coordinator: Flags
    participation_ec: Floats
    by_part: dict[str, Ints]
    by_family: dict[str, Ints]
    by_field: dict[str, Ints]
    by_word: dict[str, Ints]
    project_fields: list[tuple[str, ...]]
    project_field_keys: list[frozenset[str]]
    field_idf: dict[str, float]
    word_idf: dict[str, float]
    index: dict[int, int] = field(default_factory=dict)
    org_projects: list[Ints] = field(default_factory=list)
    project_orgs: list[Ints] = field(default_factory=list)
    project_has_american: Flags = field(default_factory=lambda: np.zeros(0, bool))
    project_has_european: Flags = field(default_factory=lambda: np.zeros(0, bool))
    project_count: Ints = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def organisations(self) -> int:
        """How many organisations the record holds."""
        return len(self.pics)

    @property
    def projects(self) -> int:
        """How many projects the record holds."""
        return len(self.project_keys)

    def org(self, pic: int) -> int | None:
        """The index of the organisation with this PIC, if it is in the record."""
        return self.index.get(pic)

    def scores(self, project_weight: Floats, *, coordinators: bool = False) -> Floats:
        """Each organisation's sum of the weights of its projects (as coordinator only, or
        in any role): the one operation every signal reduces to."""
        weights = project_weight[self.participation_project]
        if coordinators:
            weights = weights * self.participation_coordinator
        found = np.bincount(self.participation_org, weights=weights, minlength=self.organisations)
        return found.astype(np.float64)

    def projects_of(self, keys: Iterable[str], index: dict[str, Ints]) -> Ints:
        """The projects under any of `keys` in one of the inverted indexes."""
        found = [index[key] for key in keys if key in index]
        if not found:
            return np.zeros(0, np.int64)
        return np.unique(np.concatenate(found))

    def fingerprint(self) -> str:
        """A digest of everything in the record, to show two records are the same."""
        digest = hashlib.sha256()
        for array in (
            self.pics,
            self.project_year,
            self.participation_project,
            self.participation_org,
            self.participation_coordinator,
            self.participation_ec,
        ):
            digest.update(np.ascontiguousarray(array).tobytes())
        for items in (
            self.project_keys,
            self.project_part,
            self.project_topic,
            self.project_fields,
        ):
            digest.update(repr(items).encode())
        for index in (self.by_word, self.by_field, self.by_family, self.by_part):
            for key in sorted(index):
                digest.update(key.encode())
                digest.update(index[key].tobytes())
        return digest.hexdigest()


def load(warehouse: Warehouse, *, until: int | None = None) -> Evidence:
    """The record of every project up to the year `until` (all projects when None)."""
    tables = sources.record(warehouse, until=until)
    european = set(sources.european_countries(warehouse))
    return build(tables, european_countries=european, until=until)


def build(
    tables: sources.RecordTables, *, european_countries: set[str], until: int | None
) -> Evidence:
    """Index the record read from the warehouse."""
    projects = tables.projects.to_pydict()
    keys = list(zip(projects["programme"], projects["project_id"], strict=True))
    position = {key: number for number, key in enumerate(keys)}
    facts = tables.participations
    pics, org_of = _organisations(facts)
    project_of = np.array(
        [
            position[key]
            for key in zip(
                facts["programme"].to_pylist(), facts["project_id"].to_pylist(), strict=True
            )
        ],
        dtype=np.int64,
    ).reshape(-1)
    org = np.array([org_of[pic] for pic in facts["pic"].to_pylist()], dtype=np.int64).reshape(-1)
    countries = _country_of(facts, len(pics), org)
    fields = _grouped(tables.fields, position, "path")
    titles = _grouped(tables.legal_bases, position, "title")
    evidence = Evidence(
        until=until,
        pics=pics,
        european=np.array([c in european_countries for c in countries], dtype=bool),
        american=np.array([c == "US" for c in countries], dtype=bool),
        project_keys=keys,
        project_year=np.array([y if y is not None else -1 for y in projects["year"]], np.int64),
        project_part=list(projects["programme_part_code"]),
        project_topic=list(projects["topic"]),
        project_acronym=list(projects["acronym"]),
        participation_project=project_of,
        participation_org=org,
        participation_coordinator=np.array(
            [role == "coordinator" for role in facts["role"].to_pylist()], dtype=bool
        ).reshape(-1),
        participation_ec=np.array(facts["ec_contribution"].to_pylist(), np.float64).reshape(-1),
        by_part=_invert((part,) if part else () for part in projects["programme_part_code"]),
        by_family=_invert(topic_families(topic) for topic in projects["topic"]),
        by_field=_invert(
            sorted({a for path in fields[n] for a in field_paths(path)}) for n in range(len(keys))
        ),
        by_word=_invert(
            sorted(_project_words(projects["topic_title"][n], titles[n], fields[n]))
            for n in range(len(keys))
        ),
        project_fields=[tuple(fields[n]) for n in range(len(keys))],
        project_field_keys=[
            frozenset(a for path in fields[n] for a in field_paths(path)) for n in range(len(keys))
        ],
        field_idf={},
        word_idf={},
        index={int(pic): n for n, pic in enumerate(pics.tolist())},
    )
    evidence.field_idf = _idf(evidence.by_field, len(keys))
    evidence.word_idf = _idf(evidence.by_word, len(keys))
    _link(evidence)
    return evidence


def _organisations(facts: pa.Table) -> tuple[Ints, dict[int, int]]:
    pics = sorted(set(facts["pic"].to_pylist()))
    return np.array(pics, dtype=np.int64), {pic: n for n, pic in enumerate(pics)}


def _country_of(facts: pa.Table, count: int, org: Ints) -> list[str | None]:
    """Each organisation's country: the one of its last participation in project order (an
    organisation that moved country is placed where its latest grant put it)."""
    countries: list[str | None] = [None] * count
    for n, country in zip(org.tolist(), facts["country"].to_pylist(), strict=True):
        if country:
            countries[n] = country
    return countries


def _grouped(table: pa.Table, position: dict[tuple[str, int], int], column: str) -> list[list[str]]:
    grouped: list[list[str]] = [[] for _ in position]
    for programme, project_id, value in zip(
        table["programme"].to_pylist(),
        table["project_id"].to_pylist(),
        table[column].to_pylist(),
        strict=True,
    ):
        number = position.get((programme, project_id))
        if number is not None and value:
            grouped[number].append(value)
    return grouped


def _project_words(
    title: str | None, legal_titles: Sequence[str], paths: Sequence[str]
) -> set[str]:
    """The words a project is found by: its topic's title, its legal bases' titles and the
    names of its fields of science."""
    found = words(title)
    for text in legal_titles:
        found |= words(text)
    for path in paths:
        found |= words(path.rsplit("/", 1)[-1])
    return found


def _invert(keys_per_project: Iterable[Iterable[str]]) -> dict[str, Ints]:
    lists: defaultdict[str, list[int]] = defaultdict(list)
    for number, keys in enumerate(keys_per_project):
        for key in keys:
            lists[key].append(number)
    return {key: np.array(found, dtype=np.int64) for key, found in lists.items()}


def _idf(index: dict[str, Ints], projects: int) -> dict[str, float]:
    """Inverse document frequency: a rare field or word says more than a common one."""
    return {key: math.log((1 + projects) / (1 + len(found))) + 1.0 for key, found in index.items()}


def _link(evidence: Evidence) -> None:
    """Projects of each organisation and organisations of each project, and which projects
    have participants on each side of the Atlantic."""
    order = np.argsort(evidence.participation_org, kind="stable")
    bounds = np.searchsorted(
        evidence.participation_org[order], np.arange(evidence.organisations + 1)
    )
    projects = evidence.participation_project[order]
    evidence.org_projects = [
        np.unique(projects[bounds[n] : bounds[n + 1]]) for n in range(evidence.organisations)
    ]
    evidence.project_count = np.array([len(found) for found in evidence.org_projects], np.int64)
    order = np.argsort(evidence.participation_project, kind="stable")
    bounds = np.searchsorted(
        evidence.participation_project[order], np.arange(evidence.projects + 1)
    )
    orgs = evidence.participation_org[order]
    evidence.project_orgs = [
        np.unique(orgs[bounds[n] : bounds[n + 1]]) for n in range(evidence.projects)
    ]
    side = evidence.american[evidence.participation_org]
    evidence.project_has_american = (
        np.bincount(evidence.participation_project, weights=side, minlength=evidence.projects) > 0
    )
    side = evidence.european[evidence.participation_org]
    evidence.project_has_european = (
        np.bincount(evidence.participation_project, weights=side, minlength=evidence.projects) > 0
    )
