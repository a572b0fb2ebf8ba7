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
from functools import cache

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from bilat.bridges.postings import Postings, Rows
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


@cache
def words(text: str | None) -> frozenset[str]:
    """The meaningful lower-case words of a title or query (three letters or more).

    Remembered: the same titles and field names recur over thousands of projects."""
    if not text:
        return frozenset()
    found = {w.lower().strip("-") for w in _WORD.findall(text)}
    return frozenset(w for w in found if len(w) >= 3 and w not in STOPWORDS)


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


@cache
def field_paths(path: str) -> tuple[str, ...]:
    """A EuroSciVoc path and its ancestors: `/a/b/c` → `/a`, `/a/b`, `/a/b/c` (remembered)."""
    steps = [step for step in path.split("/") if step]
    return tuple("/" + "/".join(steps[:depth]) for depth in range(1, len(steps) + 1))


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
    org_projects: Slices = field(
        default_factory=lambda: Slices(np.zeros(0, np.int64), np.zeros(1, np.int64))
    )
    project_orgs: Slices = field(
        default_factory=lambda: Slices(np.zeros(0, np.int64), np.zeros(1, np.int64))
    )
    project_has_american: Flags = field(default_factory=lambda: np.zeros(0, bool))
    project_has_european: Flags = field(default_factory=lambda: np.zeros(0, bool))
    project_count: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    # Signals that do not depend on the question, computed once (see `signals`).
    fixed: dict[str, Floats] = field(default_factory=dict)
    coordinator_project: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    coordinator_org: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    org_ec: Floats = field(default_factory=lambda: np.zeros(0))
    # The participation rows of each project, and per key of the part, family and field
    # indexes the organisations under it with their counts (see `postings`).
    rows: Rows = field(default_factory=lambda: Rows.of(np.zeros(0, np.int64), 0))
    postings: dict[str, Postings] = field(default_factory=dict)

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
        in any role): the one operation every signal reduces to. When few projects weigh,
        only their participations are read."""
        weighed = np.flatnonzero(project_weight)
        if 3 * len(weighed) < self.projects:
            rows = self.rows.of_projects(weighed)
            if coordinators:
                rows = rows[self.participation_coordinator[rows]]
            projects, orgs = self.participation_project[rows], self.participation_org[rows]
        elif coordinators:
            projects, orgs = self.coordinator_project, self.coordinator_org
        else:
            projects, orgs = self.participation_project, self.participation_org
        found = np.bincount(orgs, weights=project_weight[projects], minlength=self.organisations)
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
    facts = tables.participations
    project_of = _numbers(facts["project_number"])
    org = _numbers(facts["org_number"])
    pics = np.zeros(int(org.max(initial=-1)) + 1, np.int64)
    pics[org] = _numbers(facts["pic"])
    countries = _country_of(facts, len(pics), org)
    fields = _grouped(tables.fields, len(keys), "path")
    titles = _grouped(tables.legal_bases, len(keys), "title")
    evidence = Evidence(
        until=until,
        pics=pics,
        european=np.isin(countries, sorted(european_countries)),
        american=countries == "US",
        project_keys=keys,
        project_year=np.array([y if y is not None else -1 for y in projects["year"]], np.int64),
        project_part=list(projects["programme_part_code"]),
        project_topic=list(projects["topic"]),
        project_acronym=list(projects["acronym"]),
        participation_project=project_of,
        participation_org=org,
        participation_coordinator=pc.fill_null(pc.equal(facts["role"], "coordinator"), False)
        .to_numpy(zero_copy_only=False)
        .astype(bool),
        participation_ec=facts["ec_contribution"].to_numpy(zero_copy_only=False).astype(np.float64),
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


def _numbers(column: pa.ChunkedArray) -> Ints:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64).reshape(-1)


def _country_of(facts: pa.Table, count: int, org: Ints) -> npt.NDArray[np.str_]:
    """Each organisation's country: the one of its last participation in project order that
    names one (an organisation that moved is placed where its latest grant put it)."""
    countries = np.array(facts["country"].to_pylist(), dtype=object)
    given = pc.fill_null(pc.not_equal(facts["country"], ""), False)
    named = np.nonzero(given.to_numpy(zero_copy_only=False))[0]
    last = np.full(count, -1, np.int64)
    np.maximum.at(last, org[named], named)
    found = np.full(count, "", dtype=object)
    found[last >= 0] = countries[last[last >= 0]]
    return found.astype(str)


def _grouped(table: pa.Table, count: int, column: str) -> list[list[str]]:
    grouped: list[list[str]] = [[] for _ in range(count)]
    for number, value in zip(table["number"].to_pylist(), table[column].to_pylist(), strict=True):
        if value:
            grouped[number].append(value)
    return grouped


def _project_words(
    title: str | None, legal_titles: Sequence[str], paths: Sequence[str]
) -> set[str]:
    """The words a project is found by: its topic's title, its legal bases' titles and the
    names of its fields of science."""
    found = set(words(title))
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
    led = evidence.participation_coordinator
    evidence.coordinator_project = evidence.participation_project[led]
    evidence.coordinator_org = evidence.participation_org[led]
    evidence.org_ec = np.bincount(
        evidence.participation_org,
        weights=evidence.participation_ec,
        minlength=evidence.organisations,
    ).astype(np.float64)
    evidence.org_projects = _pairs(
        evidence.participation_org,
        evidence.participation_project,
        evidence.organisations,
        evidence.projects,
    )
    evidence.project_count = np.array([len(found) for found in evidence.org_projects], np.int64)
    evidence.project_orgs = _pairs(
        evidence.participation_project,
        evidence.participation_org,
        evidence.projects,
        evidence.organisations,
    )
    evidence.rows = Rows.of(evidence.participation_project, evidence.projects)
    evidence.postings = {
        name: Postings.build(
            index,
            evidence.rows,
            evidence.participation_org,
            evidence.participation_coordinator,
            evidence.organisations,
        )
        for name, index in (
            ("part", evidence.by_part),
            ("family", evidence.by_family),
            ("fields", evidence.by_field),
        )
    }
    side = evidence.american[evidence.participation_org]
    evidence.project_has_american = (
        np.bincount(evidence.participation_project, weights=side, minlength=evidence.projects) > 0
    )
    side = evidence.european[evidence.participation_org]
    evidence.project_has_european = (
        np.bincount(evidence.participation_project, weights=side, minlength=evidence.projects) > 0
    )


class Slices(Sequence[Ints]):
    """Rows of a sparse table kept as one array and its bounds: the projects of each
    organisation, the organisations of each project, without an array object per row."""

    def __init__(self, values: Ints, bounds: Ints) -> None:
        self.values = values
        self.bounds = bounds

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def __getitem__(self, n: int) -> Ints:  # type: ignore[override]
        return self.values[self.bounds[n] : self.bounds[n + 1]]

    def sizes(self) -> Ints:
        """The length of every row."""
        return np.diff(self.bounds)


def _pairs(left: Ints, right: Ints, count: int, width: int) -> Slices:
    """For each value of `left`, the distinct values of `right` beside it, in order: one
    sort of the pairs instead of one `unique` per value."""
    pairs = np.sort(left * width + right)
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    keys, values = pairs // width, pairs % width
    return Slices(values, np.searchsorted(keys, np.arange(count + 1)))
