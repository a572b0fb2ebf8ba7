"""Every indicator on the full-scale warehouse, with nothing remembered between runs, against
the same question asked naively in pandas over the raw organization tables (for the indicators
that have a pandas twin here) and against a bare grouped count (the floor of any query)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pandas
from common import median, p95, timings

from bilat import indicators
from bilat.warehouse.store import Warehouse


def raw_participations(csvs: list[Path]) -> pandas.DataFrame:
    """The three organization tables as an analyst would read them."""
    frames = []
    for path in csvs:
        if path.name == "organization.csv":
            frame = pandas.read_csv(
                path, sep=";", dtype=str, keep_default_na=False, on_bad_lines="skip"
            )
            frame["programme"] = path.parent.name
            frames.append(frame)
    found = pandas.concat(frames, ignore_index=True)
    found["ec"] = pandas.to_numeric(found["ecContribution"], errors="coerce")
    return found


def naive(frame: pandas.DataFrame) -> dict[str, Callable[[], Any]]:
    """The pandas twins: the same figures for the US, computed from the raw rows."""

    def headline() -> Any:
        us = frame[frame["country"] == "US"]
        mine = us.groupby("programme").agg(
            participations=("projectID", "size"),
            organisations=("organisationID", "nunique"),
            projects=("projectID", "nunique"),
            ec=("ec", "sum"),
        )
        everyone = frame.groupby("programme").agg(
            participations=("projectID", "size"),
            organisations=("organisationID", "nunique"),
            projects=("projectID", "nunique"),
            ec=("ec", "sum"),
        )
        return mine / everyone

    def by_role() -> Any:
        us = frame[frame["country"] == "US"]
        return us.groupby(["programme", "role"]).agg(
            participations=("projectID", "size"),
            projects=("projectID", "nunique"),
            ec=("ec", "sum"),
        )

    def partner_countries() -> Any:
        projects = set(frame.loc[frame["country"] == "US", "projectID"])
        inside = frame[frame["projectID"].isin(projects) & (frame["country"] != "US")]
        return inside.groupby("country").agg(
            participations=("projectID", "size"), projects=("projectID", "nunique")
        )

    def top_organisations() -> Any:
        us = frame[frame["country"] == "US"]
        return us.groupby("organisationID").size().sort_values(ascending=False).head(20)

    return {
        "headline": headline,
        "by_role": by_role,
        "partner_countries": partner_countries,
        "top_organisations": top_organisations,
    }


def measure_without_twins(warehouse: Warehouse, runs: int) -> list[dict[str, Any]]:
    """Median and p95 of every indicator and the floor."""
    return _measure(warehouse, runs)


def measure(warehouse: Warehouse, csvs: list[Path], runs: int) -> list[dict[str, Any]]:
    """Median and p95 of every indicator, the floor, and the pandas twins. bilat is timed
    first, before the raw tables are read into pandas: with a gigabyte of pandas objects in
    the process, every indicator took longer, which measured the twins' data, not bilat."""
    rows = _measure(warehouse, runs)
    twins = naive(raw_participations(csvs))
    for row in rows:
        if row["name"] in twins:
            baseline = median(timings(twins[row["name"]], max(3, runs // 4)))
            row["pandas_s"] = baseline
            row["x_faster_than_pandas"] = baseline / row["median_s"]
    return rows


def _measure(warehouse: Warehouse, runs: int) -> list[dict[str, Any]]:
    floor = timings(
        lambda: warehouse.arrow("SELECT country, count(*) FROM participation_facts GROUP BY ALL"),
        runs,
        before=warehouse.forget,
    )
    rows = [{"name": "floor: grouped count", "median_s": median(floor), "p95_s": p95(floor)}]
    for name, indicator in indicators.REGISTRY.items():
        found = timings(partial(indicator, warehouse, country="US"), runs, before=warehouse.forget)
        row = {
            "name": name,
            "median_s": median(found),
            "p95_s": p95(found),
            "x_floor": median(found) / median(floor),
        }
        rows.append(row)
    return rows
