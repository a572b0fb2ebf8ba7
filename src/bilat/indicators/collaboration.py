"""With whom the country works: partners in its projects, by country, country group and
organisation (the co-participation networks of those projects are in `networks`).

The subject's projects are those where it takes part under every filter (a role filter of
`coordinator` gives the projects it coordinates); the partners are all other participations in
those projects, whatever their role. They are counted in numpy over the rows that
`inside.read` returns (see there why not in one SQL query); the figures are those of
`measures`: participations, distinct organisations and projects, EU contribution.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from bilat.indicators import caveats
from bilat.indicators.filters import COUNTRIES
from bilat.indicators.inside import (
    COUNTED,
    Inside,
    Ints,
    counts,
    distinct_counts,
    euros,
    member_of,
    read,
    runs,
    unique,
)
from bilat.indicators.registry import Option, indicator
from bilat.indicators.scope import Scope
from bilat.warehouse.store import Warehouse

STATUS_TITLES = {
    "member_state": "EU member states",
    "associated": "Associated countries",
    "partly_associated": "Associated in part",
    "third_country": "Other third countries",
    "unknown": "Country unknown",
}
# The order of the groups in `partner_groups`.
GROUP_ORDER = ("member_state", "associated", "third_country", "unknown")
_MONEY = pa.decimal128(38, 2)


def country_names(warehouse: Warehouse) -> dict[str, tuple[str | None, str | None]]:
    """ISO code and name of each CORDIS country code: the reference list that every check of
    a country parameter reads (`filters.parse_countries`, the same query), kept until the
    file changes."""
    return {
        str(row["cordis_code"]): (row["iso_code"], row["name"])
        for row in warehouse.lookup(COUNTRIES)
    }


def _grouped(inside: Inside, codes: Ints, size: int) -> Ints:
    """Each row's group: its code, `size - 1` where the code is missing, and `size` for the
    subject's own rows, which are no one's partners (grouped aside rather than copied out)."""
    return np.where(inside.own, size, np.where(codes >= 0, codes, size - 1))


def _measures(inside: Inside, group: Any, size: int) -> dict[str, Any]:
    """Participations, organisations and EU contribution (cents) per group 0..size-1 (the
    group `size`, the subject's own rows, left out)."""
    return {
        "participations": counts(group, size + 1)[:size],
        "organisations": distinct_counts(group, inside.pic, size + 1)[:size],
        "cents": counts(group, size + 1, inside.cents)[:size],
        "priced": counts(group, size + 1, inside.priced.astype(np.int64))[:size],
    }


def _share(participations: Any) -> pa.Array:
    """Each group's part of all partner participations."""
    total = float(participations.sum())
    return pa.array([float(n) / total for n in participations], pa.float64())


@indicator(
    title="Partner countries",
    unit="count, EUR and share",
    definition=(
        "The participations of other countries' organisations in the projects where the "
        "country takes part, per partner country."
    ),
    caveats=(caveats.PARTNERS, caveats.COUNTRY, caveats.STATUS),
)
def partner_countries(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """One row per partner country; `status` is the status in force for its participations in
    the latest programme covered, 'partly_associated' where it differs between them (Canada
    in Horizon Europe: associated in Pillar II from the 2024 calls, a third country
    elsewhere)."""
    inside = read(warehouse, scope, needs=COUNTED)
    size = len(inside.countries) + 1  # the last group: no country
    group = _grouped(inside, inside.country, size)
    found = _measures(inside, group, size)
    projects = counts(group[inside.first_of(inside.country)], size + 1)[:size]
    codes = [*inside.countries, None]
    rows = sorted(
        np.flatnonzero(found["participations"]).tolist(),
        key=lambda g: (-found["participations"][g], codes[g] is None, codes[g] or ""),
    )
    statuses = _latest_statuses(inside, group)
    names = country_names(warehouse)
    known = [names.get(codes[g] or "", (None, None)) for g in rows]
    participations = found["participations"][rows]
    return pa.table(
        {
            "country": pa.array([codes[g] for g in rows], pa.string()),
            "iso_code": pa.array([iso for iso, _ in known], pa.string()),
            "name": pa.array([name for _, name in known], pa.string()),
            "status": pa.array([statuses[g] for g in rows], pa.string()),
            "participations": pa.array(participations, pa.int64()),
            "organisations": pa.array(found["organisations"][rows], pa.int64()),
            "projects": pa.array(projects[rows], pa.int64()),
            "ec_contribution": euros(found["cents"][rows], found["priced"][rows]),
            "share": _share(participations),
        }
    )


def _latest_statuses(inside: Inside, group: Any) -> dict[int, str]:
    """Per country group, the status of its participations in the latest programme it takes
    part in: 'partly_associated' when they have more than one, 'unknown' when none."""
    size = len(inside.statuses) + 1
    rank = inside.programme_ranks[inside.project]
    # One entry per (group, programme, status): a few hundred, whatever the rows.
    triples = unique((group * 8 + rank) * size + inside.status + 1)
    seen: dict[int, tuple[int, set[str]]] = {}
    for value in triples.tolist():
        g, rank_of, status = value // size // 8, value // size % 8, value % size - 1
        best, found = seen.get(g, (rank_of, set()))
        if rank_of > best:
            best, found = rank_of, set()
        if rank_of == best and status >= 0:
            found.add(inside.statuses[status])
        seen[g] = (best, found)
    return {
        g: "partly_associated" if len(found) > 1 else next(iter(found), "unknown")
        for g, (_, found) in seen.items()
    }


@indicator(
    title="Partner country groups",
    unit="count, EUR and share",
    definition=(
        "The partner participations in the country's projects per group: EU member states, "
        "associated countries and other third countries."
    ),
    caveats=(caveats.PARTNERS, caveats.STATUS),
)
def partner_groups(warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]) -> pa.Table:
    """One row per status group of the partner's country in the project's programme."""
    inside = read(warehouse, scope, needs=frozenset({"statuses", "cents"}))
    names = [*inside.statuses, "unknown"]
    size = len(names)
    group = _grouped(inside, inside.status, size)
    found = _measures(inside, group, size)
    countries = distinct_counts(group, inside.country, size + 1)[:size]
    projects = distinct_counts(group, inside.project, size + 1)[:size]
    place = {status: n for n, status in enumerate(GROUP_ORDER)}
    rows = sorted(
        np.flatnonzero(found["participations"]).tolist(),
        key=lambda g: (place.get(names[g], len(place)), names[g]),
    )
    statuses = [names[g] for g in rows]
    participations = found["participations"][rows]
    # Partners without a country cannot be counted in countries: missing, not "0 countries".
    counted = [
        None if status == "unknown" and n == 0 else int(n)
        for status, n in zip(statuses, countries[rows], strict=True)
    ]
    return pa.table(
        {
            "status": pa.array(statuses, pa.string()),
            "title": pa.array([STATUS_TITLES[status] for status in statuses], pa.string()),
            "countries": pa.array(counted, pa.int64()),
            "participations": pa.array(participations, pa.int64()),
            "organisations": pa.array(found["organisations"][rows], pa.int64()),
            "projects": pa.array(projects[rows], pa.int64()),
            "ec_contribution": euros(found["cents"][rows], found["priced"][rows]),
            "share": _share(participations),
        }
    )


@indicator(
    title="Top partner organisations",
    unit="count and EUR",
    definition=(
        "The organisations of other countries that share the most projects with the country."
    ),
    caveats=(caveats.PARTNERS, "Names are the organisation's latest in CORDIS."),
    options=(Option("limit", 20, "How many organisations (1 to 1000).", maximum=1000),),
)
def partner_organisations(
    warehouse: Warehouse, scope: Scope, options: Mapping[str, Any]
) -> pa.Table:
    """The first `limit` partners (organisation and country) by shared projects, then
    participations, PIC and country (cut before their names are read: the organisations
    table is large)."""
    inside = read(warehouse, scope, needs=frozenset({"cents"}))
    keep = ~inside.own & (inside.pic >= 0)
    size = len(inside.countries) + 1
    key = inside.pic * size + np.where(inside.country >= 0, inside.country, size - 1)
    # One sort for both counts: each partner's rows, with the last bit marking the first row
    # of each of its projects (its distinct projects).
    first = inside.first_of(inside.country, inside.pic)
    flagged = np.sort(key[keep] * 2 + first[keep])
    found, participations = runs(flagged >> 1)
    projects = np.add.reduceat(flagged & 1, np.cumsum(participations) - participations)
    pics, countries = found // size, found % size
    top = _first(options["limit"], projects, participations, pics, countries)
    # The contributions of the partners shown only, by their places among the shown keys.
    shown = np.sort(found[top])
    held = keep & member_of(key, shown)
    places = np.searchsorted(shown, key[held])
    cents = counts(places, len(shown), inside.cents[held])
    priced = counts(places, len(shown), inside.priced[held].astype(np.int64))
    codes = [*inside.countries, None]
    at = np.searchsorted(shown, found[top])
    return pa.table(
        {
            "pic": pa.array(pics[top], pa.int64()),
            "name": pa.array(organisations(warehouse, pics[top], "name")[0], pa.string()),
            "country": pa.array([codes[c] for c in countries[top]], pa.string()),
            "shared_projects": pa.array(projects[top], pa.int64()),
            "participations": pa.array(participations[top], pa.int64()),
            "ec_contribution": euros(cents[at], priced[at]),
        }
    )


def _first(limit: int, projects: Ints, participations: Ints, *ties: Ints) -> Ints:
    """The places of the first `limit` by projects, then participations (both descending),
    then `ties` in order; only those with enough projects to be among them are sorted."""
    if len(projects) > limit:
        enough = np.partition(projects, len(projects) - limit)[len(projects) - limit]
        candidates = np.flatnonzero(projects >= enough)
    else:
        candidates = np.arange(len(projects))
    keys = [key[candidates] for key in reversed(ties)]
    order = np.lexsort((*keys, -participations[candidates], -projects[candidates]))
    return np.asarray(candidates[order][:limit], np.int64)


def organisations(warehouse: Warehouse, pics: Any, *columns: str) -> list[list[Any]]:
    """Per column, the organisations' values in the order of `pics` (None for a PIC the
    organisations table lacks), read for those PICs only."""
    found = warehouse.arrow(
        f"SELECT pic, {', '.join(columns)} FROM organisations WHERE pic IN (SELECT unnest($pics))",
        {"pics": [int(pic) for pic in pics]},
    ).to_pydict()
    place = {pic: n for n, pic in enumerate(found["pic"])}
    return [
        [found[column][place[int(pic)]] if int(pic) in place else None for pic in pics]
        for column in columns
    ]
