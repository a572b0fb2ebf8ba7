"""The co-participation networks of the country's projects: countries, and organisations.

Networks are bounded to a legible number of nodes, and each edge is an unordered pair listed
once (source < target) weighted by the subject's projects that hold both. The weights are
counted in numpy (see `MASK_NODES`), not by a matrix product of projects by nodes: BLAS'
threads took a hundred times longer than the count itself on a loaded two-core machine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from bilat.indicators import caveats
from bilat.indicators.collaboration import country_names, organisations
from bilat.indicators.inside import Ints, counts, read, rows_of, runs, unique
from bilat.indicators.registry import Option, indicator
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

# Networks of up to this many nodes count their edges from each project's set of nodes as a
# bit mask (one bit per node in an int64), the projects with the same set counted together: a
# few hundred distinct sets instead of every pair of nodes in every project, which larger
# networks count.
MASK_NODES = 63


def _edges(project: Ints, node: Ints, nodes: int) -> list[tuple[int, int, int]]:
    """(node, node, shared projects) for each pair of nodes 0..nodes-1 that share a project,
    given the (project, node) of rows (repeats allowed)."""
    pairs = unique(project * nodes + node)
    if not len(pairs):
        return []
    owner, node = pairs // nodes, pairs % nodes
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    shared = (_masked if nodes <= MASK_NODES else _paired)(node, starts, nodes)
    a, b = np.triu_indices(nodes, 1)
    weights = shared[a, b].tolist()
    return [(i, j, w) for i, j, w in zip(a.tolist(), b.tolist(), weights, strict=True) if w > 0]


def _masked(node: Ints, starts: Ints, nodes: int) -> Ints:
    """Shared projects of every two nodes, from each project's mask of the nodes it holds
    (`node` holds each project's nodes once, from `starts` on)."""
    masks = np.bitwise_or.reduceat(np.left_shift(np.int64(1), node), starts)
    sets, projects = runs(np.sort(masks))
    bits = (sets[:, None] >> np.arange(nodes)) & 1
    # einsum sums the products in numpy's own loop: a matrix product of integers took three
    # times as long, and of floats went to BLAS' threads.
    return np.asarray(np.einsum("ij,ik->jk", bits * projects[:, None], bits), np.int64)


def _paired(node: Ints, starts: Ints, nodes: int) -> Ints:
    """Shared projects of every two nodes, from every pair of nodes within each project: row
    i meets each row of its project."""
    sizes = np.diff(np.r_[starts, len(node)])
    size_of = np.repeat(sizes, sizes)
    first = np.repeat(np.arange(len(node)), size_of)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(size_of) - size_of, size_of)
    second = np.repeat(np.repeat(starts, sizes), size_of) + offset
    found = np.bincount(node[first] * nodes + node[second], minlength=nodes**2)
    return np.asarray(found.reshape(nodes, nodes), np.int64)


def _most(members: Ints, projects: Ints, pics: Ints, limit: int) -> list[int]:
    """The first `limit` of `members` by projects (descending) then PIC: only those with
    enough projects to be among them are sorted (a country's partners are thousands)."""
    if len(members) > limit:
        enough = np.partition(projects[members], len(members) - limit)[len(members) - limit]
        members = members[projects[members] >= enough]
    order = np.lexsort((pics[members], -projects[members]))
    return [int(n) for n in members[order][:limit]]


def _ordered(edges: list[tuple[Any, Any, int]]) -> list[tuple[Any, Any, int]]:
    """Each pair as (source, target) with source < target, by weight then source, target."""
    pairs = [(min(a, b), max(a, b), w) for a, b, w in edges]
    return sorted(pairs, key=lambda edge: (-edge[2], edge[0], edge[1]))


@indicator(
    title="Country co-participation network",
    unit="shared projects",
    definition=(
        "Pairs of countries taking part together in the country's projects, weighted by the "
        "number of those projects they share, among the countries present in most of them."
    ),
    caveats=(caveats.PARTNERS, "Each pair is listed once, with source before target."),
    options=(Option("limit", 25, "How many countries (nodes), 2 to 250.", maximum=250),),
)
def country_network(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """Edges among the `limit` countries in most of the subject's projects (subject first)."""
    inside = read(warehouse, scope, needs=frozenset())
    rows = inside.take(inside.country >= 0)
    first = rows.first_of(rows.country)
    size, codes = len(rows.countries), rows.countries
    projects = counts(rows.country[first], size)
    own = counts(rows.country, size, rows.own.astype(np.int64)) > 0
    nodes = sorted(
        np.flatnonzero(projects).tolist(), key=lambda c: (not own[c], -projects[c], codes[c])
    )[: options["limit"]]
    column = np.full(size, -1, np.int64)
    column[nodes] = np.arange(len(nodes))
    node = column[rows.country[first]]
    held = node >= 0
    found = _edges(rows.project[first][held], node[held], len(nodes))
    edges = _ordered([(codes[nodes[a]], codes[nodes[b]], w) for a, b, w in found])
    of = {codes[c]: int(projects[c]) for c in nodes}
    names = country_names(warehouse)
    return pa.table(
        {
            "source": pa.array([e[0] for e in edges], pa.string()),
            "target": pa.array([e[1] for e in edges], pa.string()),
            "source_name": pa.array([names.get(e[0], (None, None))[1] for e in edges], pa.string()),
            "target_name": pa.array([names.get(e[1], (None, None))[1] for e in edges], pa.string()),
            "source_projects": pa.array([of[e[0]] for e in edges], pa.int64()),
            "target_projects": pa.array([of[e[1]] for e in edges], pa.int64()),
            "weight": pa.array([e[2] for e in edges], pa.int64()),
        }
    )


@indicator(
    title="Organisation co-participation network",
    unit="shared projects",
    definition=(
        "Pairs of organisations taking part together in the country's projects, weighted by "
        "shared projects, among the country's and its partners' most frequent organisations "
        "(half the nodes each)."
    ),
    caveats=(caveats.PARTNERS, "Each pair is listed once, with source before target."),
    options=(Option("limit", 40, "How many organisations (nodes), 2 to 300.", maximum=300),),
)
def organisation_network(
    warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]
) -> pa.Table:
    """Edges among the subject's and the partners' organisations in most projects: at most
    ceil(limit / 2) on each side, by projects then PIC."""
    inside = read(warehouse, scope, needs=frozenset())
    rows = inside.take(inside.pic >= 0)
    # Each organisation's distinct projects, from its distinct (PIC, project) pairs.
    span = len(rows.project_ids)
    pairs = unique(rows.pic * span + rows.project)
    pics, projects = runs(pairs // span)
    # The subject's organisations are some of `pics` (both sorted): found by searching them.
    own = np.zeros(len(pics), np.bool_)
    own[np.searchsorted(pics, unique(rows.pic[rows.own]))] = True
    half = math.ceil(options["limit"] / 2)
    nodes: list[int] = []
    for side in (True, False):
        nodes += _most(np.flatnonzero(own == side), projects, pics, half)
    ordered = np.sort(pics[nodes])
    held = pairs[rows_of(pairs // span, ordered)]
    found = _edges(held % span, np.searchsorted(ordered, held // span), len(nodes))
    edges = _ordered([(int(ordered[a]), int(ordered[b]), w) for a, b, w in found])
    mine = {int(pics[n]): bool(own[n]) for n in nodes}
    ends = sorted({pic for e in edges for pic in e[:2]})
    name, country = organisations(warehouse, ends, "name", "country")
    about = {pic: (name[n], country[n]) for n, pic in enumerate(ends)}
    return pa.table(
        {
            "source": pa.array([e[0] for e in edges], pa.int64()),
            "target": pa.array([e[1] for e in edges], pa.int64()),
            "source_name": pa.array([about[e[0]][0] for e in edges], pa.string()),
            "target_name": pa.array([about[e[1]][0] for e in edges], pa.string()),
            "source_country": pa.array([about[e[0]][1] for e in edges], pa.string()),
            "target_country": pa.array([about[e[1]][1] for e in edges], pa.string()),
            "source_own": pa.array([mine[e[0]] for e in edges], pa.bool_()),
            "target_own": pa.array([mine[e[1]] for e in edges], pa.bool_()),
            "weight": pa.array([e[2] for e in edges], pa.int64()),
        }
    )
