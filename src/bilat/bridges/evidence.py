"""The track record partner search ranks from, as arrays in memory.

`Evidence` holds the projects of a period, their participations and what describes each
project (programme part, topic families, fields of science, words of its titles) as numpy
arrays and inverted indexes: a question names keys, the keys give weights to projects, and one
`bincount` over the participations turns project weights into organisation scores.

The index itself (numbering, keys, per-key counts) is built by the warehouse: at ingest for
the whole record (`partner_*` tables, read here without a loop over rows), or for a period
when the evaluation asks for one. What is left to do here is vectorised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from bilat.bridges.postings import Postings, Rows
from bilat.warehouse import bridges as sources
from bilat.warehouse.partner_index import IndexTables
from bilat.warehouse.partner_keys import STOPWORDS, field_paths, topic_families, words
from bilat.warehouse.store import Warehouse

__all__ = ["STOPWORDS", "Evidence", "field_paths", "load", "topic_families", "words"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]


class Inverted(Mapping[str, Ints]):
    """An inverted index of one kind of key: key → the numbers of the projects under it,
    read from the index's sorted (key, project) pairs without an array object per key."""

    def __init__(self, numbers: dict[str, int], bounds: Ints, projects: Ints) -> None:
        self.numbers = numbers  # key → key number (global over the kinds)
        self._bounds = bounds
        self._projects = projects

    def __getitem__(self, key: str) -> Ints:
        n = self.numbers[key]
        return self._projects[self._bounds[n] : self._bounds[n + 1]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.numbers)

    def __len__(self) -> int:
        return len(self.numbers)

    def __contains__(self, key: object) -> bool:
        return key in self.numbers


@dataclass
class Evidence:
    """The record of one period: organisations, projects, participations and indexes."""

    until: int | None
    pics: Ints
    european: Flags
    american: Flags
    named: Flags  # organisations with a participation in the warehouse's own tables
    project_keys: list[tuple[str, int]]
    project_year: Ints
    project_part: list[str | None]
    project_topic: list[str | None]
    project_acronym: list[str | None]
    project_title: list[str | None]
    project_listed: Flags  # projects of the warehouse's own tables (not the earlier record)
    participation_project: Ints
    participation_org: Ints
    participation_coordinator: Flags
    participation_ec: Floats
    key_names: list[str]  # every key of every kind, by key number
    by_part: Inverted
    by_family: Inverted
    by_field: Inverted
    by_word: Inverted
    field_idf: dict[str, float]
    word_idf: dict[str, float]
    # The field keys of each project (ancestors included) and whether each is its own path.
    project_field_numbers: Slices
    project_field_own: Flags
    org_projects: Slices
    project_orgs: Slices
    project_has_american: Flags
    project_has_european: Flags
    project_count: Ints
    coordinator_project: Ints
    coordinator_org: Ints
    org_coordinated: Slices  # the projects each organisation coordinated
    org_ec: Floats
    rows: Rows
    # Per key of the part, family and field indexes, the organisations under it with their
    # counts in any role and as coordinator (see `postings`).
    postings: dict[str, Postings]
    # Signals that do not depend on the question, computed once (see `signals`).
    fixed: dict[str, Floats] = field(default_factory=dict)

    @property
    def organisations(self) -> int:
        """How many organisations the record holds."""
        return len(self.pics)

    @property
    def projects(self) -> int:
        """How many projects the record holds."""
        return len(self.project_keys)

    def org(self, pic: int) -> int | None:
        """The index of the organisation with this PIC, if it is in the record (organisations
        are numbered in PIC order)."""
        n = int(np.searchsorted(self.pics, pic))
        return n if n < len(self.pics) and int(self.pics[n]) == pic else None

    def fields_of(self, project: int) -> tuple[str, ...]:
        """The field-of-science paths a project names itself (not their ancestors)."""
        bounds = self.project_field_numbers.bounds
        numbers = self.project_field_numbers[project]
        own = self.project_field_own[bounds[project] : bounds[project + 1]]
        return tuple(sorted(self.key_names[k] for k in numbers[own].tolist()))

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

    def projects_of(self, keys: Iterable[str], index: Mapping[str, Ints]) -> Ints:
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
            self.european,
            self.american,
            self.named,
            self.project_listed,
            self.project_year,
            self.participation_project,
            self.participation_org,
            self.participation_coordinator,
            self.participation_ec,
            self.project_field_numbers.values,
            self.project_field_own,
        ):
            digest.update(np.ascontiguousarray(array).tobytes())
        for items in (
            self.project_keys,
            self.project_part,
            self.project_topic,
            self.project_title,
            self.key_names,
        ):
            digest.update(repr(items).encode())
        for index in (self.by_word, self.by_field, self.by_family, self.by_part):
            for key in sorted(index):
                digest.update(key.encode())
                digest.update(index[key].tobytes())
        return digest.hexdigest()


def load(warehouse: Warehouse, *, until: int | None = None, since: int | None = None) -> Evidence:
    """The record of the projects of [`since`, `until`] (every project when both are None:
    the index stored at ingest)."""
    return build(sources.index(warehouse, since=since, until=until), until=until)


def _ints(column: pa.ChunkedArray) -> Ints:
    return np.asarray(column.to_numpy(), dtype=np.int64).reshape(-1)


def _flags(column: pa.ChunkedArray) -> Flags:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool).reshape(-1)


def _floats(column: pa.ChunkedArray) -> Floats:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64).reshape(-1)


def build(tables: IndexTables, *, until: int | None) -> Evidence:
    """The arrays and indexes of a record from its index tables."""
    projects, facts = tables.projects, tables.participations
    count = projects.num_rows
    organisations = tables.organisations.num_rows
    years = projects["year"].to_numpy(zero_copy_only=False)
    key_names = tables.keys["key"].to_pylist()
    kinds = tables.keys["kind"].to_pylist()
    idf = tables.keys["idf"].to_pylist()
    key_of = _ints(tables.key_projects["key"])
    project_of_key = _ints(tables.key_projects["project"])
    key_bounds = np.searchsorted(key_of, np.arange(len(key_names) + 1)).astype(np.int64)
    inverted = {
        kind: Inverted(
            {
                name: n
                for n, (name, k) in enumerate(zip(key_names, kinds, strict=True))
                if k == kind
            },
            key_bounds,
            project_of_key,
        )
        for kind in ("part", "family", "field", "word")
    }
    fields = np.flatnonzero(np.isin(key_of, list(inverted["field"].numbers.values())))
    by_project = fields[np.argsort(project_of_key[fields], kind="stable")]
    participation_project = _ints(facts["project"])
    participation_org = _ints(facts["org"])
    coordinator = _flags(facts["coordinator"])
    evidence = Evidence(
        until=until,
        pics=_ints(tables.organisations["pic"]),
        european=_flags(tables.organisations["european"]),
        american=_flags(tables.organisations["american"]),
        named=_flags(tables.organisations["named"]),
        project_keys=list(
            zip(projects["programme"].to_pylist(), projects["project_id"].to_pylist(), strict=True)
        ),
        project_year=np.where(np.isnan(years.astype(np.float64)), -1, years).astype(np.int64),
        project_part=projects["part"].to_pylist(),
        project_topic=projects["topic"].to_pylist(),
        project_acronym=projects["acronym"].to_pylist(),
        project_title=projects["topic_title"].to_pylist(),
        project_listed=_flags(projects["listed"]),
        participation_project=participation_project,
        participation_org=participation_org,
        participation_coordinator=coordinator,
        participation_ec=_floats(facts["ec_contribution"]),
        key_names=key_names,
        by_part=inverted["part"],
        by_family=inverted["family"],
        by_field=inverted["field"],
        by_word=inverted["word"],
        field_idf={k: idf[n] for k, n in inverted["field"].numbers.items()},
        word_idf={k: idf[n] for k, n in inverted["word"].numbers.items()},
        project_field_numbers=Slices(
            key_of[by_project],
            np.searchsorted(project_of_key[by_project], np.arange(count + 1)).astype(np.int64),
        ),
        project_field_own=_flags(tables.key_projects["own"])[by_project],
        org_projects=_pairs(participation_org, participation_project, organisations, count),
        project_orgs=_pairs(participation_project, participation_org, count, organisations),
        project_has_american=np.zeros(count, bool),
        project_has_european=np.zeros(count, bool),
        project_count=np.zeros(organisations, np.int64),
        coordinator_project=participation_project[coordinator],
        coordinator_org=participation_org[coordinator],
        org_coordinated=_pairs(
            participation_org[coordinator], participation_project[coordinator], organisations, count
        ),
        org_ec=np.zeros(organisations),
        rows=Rows.of(participation_project, count),
        postings=_postings(tables, inverted, len(key_names)),
    )
    _link(evidence)
    return evidence


def _postings(tables: IndexTables, inverted: dict[str, Inverted], keys: int) -> dict[str, Postings]:
    """The stored per-key counts, one `Postings` per kind (key numbers are global)."""
    postings = tables.postings
    key = _ints(postings["key"])
    bounds = np.searchsorted(key, np.arange(keys + 1)).astype(np.int64)
    anyrole, led = Postings.lists(
        bounds, _ints(postings["org"]), _floats(postings["count"]), _floats(postings["led"])
    )
    return {
        name: Postings(inverted[kind].numbers, anyrole, led)
        for name, kind in (("part", "part"), ("family", "family"), ("fields", "field"))
    }


def _link(evidence: Evidence) -> None:
    """What follows from the participations: each organisation's projects and EU
    contribution, and which projects have participants on each side of the Atlantic."""
    # Summed over the listed projects only: the earlier record (Horizon 2020, reduced) leaves
    # the contribution out of most rows, and an unknown is not a zero.
    listed = evidence.project_listed[evidence.participation_project]
    evidence.org_ec = np.bincount(
        evidence.participation_org,
        weights=np.where(listed, evidence.participation_ec, 0.0),
        minlength=evidence.organisations,
    ).astype(np.float64)
    evidence.project_count = evidence.org_projects.sizes().astype(np.int64)
    for flags, target in (
        (evidence.american, evidence.project_has_american),
        (evidence.european, evidence.project_has_european),
    ):
        side = flags[evidence.participation_org]
        target[:] = (
            np.bincount(evidence.participation_project, weights=side, minlength=evidence.projects)
            > 0
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
