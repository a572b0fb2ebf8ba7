"""Chart specifications (Vega-Lite, built with Altair; Vega for the force-directed network).

The web pages render them with vega-embed from a bundle served locally, the reports turn the
same specs into SVG with vl-convert, so a chart reads the same everywhere. Each function takes
an indicator table and returns a plain dict. Specs are built without schema validation on the
request path (a test validates every one against the Vega-Lite schema).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import altair as alt
import pyarrow as pa

from bilat.exports import about, records
from bilat.formatting import euros, readable
from bilat.indicators.collaboration import STATUS_TITLES

# Altair validates every object as it is built, which costs up to 150 ms a chart on the request
# path; specs are validated once, whole, in the tests (`validate=True`) instead.
alt.utils.schemapi.disable_debug_mode()
# Encodings are given as channel objects, never as strings or `alt.condition` dicts: Altair
# turns those into channels by building a table of every channel class, 15-50 ms each time.

Spec = dict[str, Any]
# The height of a bar chart: 18 pixels a bar.
STEP: Spec = {"step": 18}
# EU blue, then colours that stay distinct for colour-blind readers (Okabe-Ito).
PALETTE = ["#003399", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
PROGRAMME_COLOURS = {"FP7": "#56B4E9", "H2020": "#E69F00", "HE": "#003399"}
STATUS_COLOURS = {
    "member_state": "#003399",
    "associated": "#009E73",
    "partly_associated": "#56B4E9",
    "third_country": "#E69F00",
    "unknown": "#999999",
}


# The name a chart's data goes by while Altair builds it (see `_data`).
_ROWS = "rows"


def _data(rows: list[dict[str, Any]]) -> Any:
    """A stand-in for the chart's rows, which `_finish` puts in the finished spec: Altair
    copies a chart's data at every step of building it and walks every row again to write
    the spec, which was most of a chart's time (and of a profile page's)."""
    return alt.NamedData(name=_ROWS)


def _finish(
    chart: alt.TopLevelMixin | Spec,
    rows: list[dict[str, Any]],
    *,
    width: int | None,
    validate: bool,
    description: str,
    height: int | Spec | None = None,
    note: str = "",
) -> Spec:
    """The spec as a dict with its `rows` inline, its size, its `note` (drawn under the
    chart, in lines) and its text alternative as the top-level description (Vega
    gives it to the drawn SVG as its accessible name; the pages to the chart's container).

    The size and note are written into the dict rather than given to Altair's
    `properties`, which copies the whole chart (every layer) and checks each property
    against the schema each time: a third of a chart's time. The tests check the finished
    specs against the schema."""
    built = chart if isinstance(chart, dict) else chart.to_dict(validate=validate)
    spec: Spec = _inline(built, rows)
    spec["width"] = width if width is not None else "container"
    if height is not None:
        spec["height"] = height
    if note:
        spec["title"] = {"text": _note_lines(note), **NOTE_STYLE}
    spec.pop("config", None)
    spec["config"] = CONFIG
    spec["description"] = description
    return spec


def _layered(*charts: alt.Chart, validate: bool) -> Spec:
    """Charts drawn over each other on the same rows, as the dict `alt.layer` would write:
    each layer written alone, their common data and schema once on top. `alt.layer` copies
    every layer two more times (half of a trend chart's time)."""
    layers = [chart.to_dict(validate=validate) for chart in charts]
    top = {"$schema": layers[0]["$schema"], "data": layers[0]["data"]}
    for layer in layers:
        for key in ("$schema", "data", "config"):
            layer.pop(key, None)
    return top | {"layer": layers}


def _inline(spec: Any, rows: list[dict[str, Any]]) -> Any:
    """`spec` with the stand-in of `_data` replaced by the rows, wherever Altair put it."""
    if isinstance(spec, dict):
        if spec == {"name": _ROWS}:
            return {"values": rows}
        return {key: _inline(value, rows) for key, value in spec.items()}
    if isinstance(spec, list):
        return [_inline(value, rows) for value in spec]
    return spec


# Shared by every Vega-Lite chart: labels that would collide (or stand closer than 6 px, "90100")
# are thinned out rather than drawn
# over each other, axis titles stand clear of the labels (in the PDFs too), category labels
# get room before they are cut, and legend labels are never cut.
CONFIG: Spec = {
    "font": "system-ui, sans-serif",
    "view": {"stroke": None},
    "axis": {
        "labelOverlap": True,
        "labelSeparation": 6,
        "titlePadding": 12,
        "labelPadding": 4,
        "labelFontSize": 11,
    },
    "axisY": {"labelLimit": 260},
    "legend": {"labelLimit": 0, "titleLimit": 0},
}
# Columns that hold amounts in euros; every other measure a chart draws is a count.
MONEY = frozenset({"ec_contribution", "net_ec_contribution", "total_cost", "ec_max_contribution"})


def measure_axis(value: str, title: str) -> Any:
    """The axis of a measure: counts in whole numbers (never 2.5 participations), amounts
    in euros with SI prefixes (€20M)."""
    if value in MONEY:
        return alt.Axis(title=title, labelExpr="'€' + format(datum.value, '~s')")
    return alt.Axis(title=title, format=",d", tickMinStep=1)


def programme_colour(rows: list[dict[str, Any]], *, legend: Any = alt.Undefined) -> Any:
    """Each programme of the rows in its own colour, the same on every chart."""
    domain = [key for key in PROGRAMME_COLOURS if any(r.get("programme") == key for r in rows)]
    return alt.Color(
        "programme:N",
        title="Programme",
        scale=alt.Scale(domain=domain, range=[PROGRAMME_COLOURS[k] for k in domain]),
        legend=legend,
    )


# A legend under its chart, its entries one under the other (never wider than a phone).
LEGEND_BELOW: Spec = {"orient": "bottom", "direction": "vertical"}


def year_axis(title: str) -> Any:
    """The axis of years drawn as categories: 2021 written as a year, upright."""
    return alt.Axis(title=title, labelAngle=0, labelOverlap=True)


# How many of the largest values a chart's text alternative names.
NAMED = 5


def _amount(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    return f"{value:,}" if isinstance(value, int) else euros(value)


def _largest(pairs: Sequence[tuple[object, object]]) -> str:
    """The first values of a chart in words: "Germany 1,234, France 1,010 and 3 more"."""
    words = [f"{label} {_amount(value)}" for label, value in pairs[:NAMED]]
    more = len(pairs) - NAMED
    return ", ".join(words) + (f" and {more} more" if more > 0 else "")


def describe_bars(
    rows: list[dict[str, Any]], *, category: str, value: str, what: str, by: str
) -> str:
    """The text alternative of a bar chart: what it counts by what, and its largest bars."""
    pairs: list[tuple[object, object]] = [
        (
            f"{row[category]}" + (f" ({row['programme']})" if row.get("programme") else ""),
            row[value],
        )
        for row in rows
    ]
    return f"Bar chart of {what.lower()} by {by.lower()}, largest first: {_largest(pairs)}."


def bars(
    table: pa.Table,
    *,
    category: str,
    value: str = "participations",
    category_title: str,
    value_title: str = "Participations",
    limit: int = 15,
    colour: str | None = None,
    width: int | None = None,
    validate: bool = False,
) -> Spec:
    """Horizontal bars, longest first, at most `limit` of them."""
    rows = [row for row in records(table) if row.get("programme") != "ALL"]
    if len({row.get("programme") for row in rows}) > 1 and colour is None:
        colour = "programme"
    rows = sorted(rows, key=lambda row: -(row[value] or 0))[: limit * (3 if colour else 1)]
    encoding: dict[str, Any] = {
        "x": alt.X(f"{value}:Q", title=value_title, axis=measure_axis(value, value_title)),
        # No axis title: the chart's heading names the categories, and a title beside long
        # labels collides with them.
        "y": alt.Y(f"{category}:N", title=category_title, axis=alt.Axis(title=None), sort="-x"),
        "tooltip": [
            alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=",.0f"),
        ],
    }
    if colour is not None:
        domain = [key for key in PROGRAMME_COLOURS if any(r.get(colour) == key for r in rows)]
        encoding["color"] = alt.Color(
            f"{colour}:N",
            title=colour.replace("_", " ").capitalize(),
            scale=alt.Scale(domain=domain, range=[PROGRAMME_COLOURS[k] for k in domain])
            if colour == "programme"
            else alt.Undefined,
        )
    chart = alt.Chart(_data(rows)).mark_bar(color=PALETTE[0]).encode(**encoding)
    description = describe_bars(
        rows if colour else [{**row, "programme": None} for row in rows],
        category=category,
        value=value,
        what=value_title,
        by=category_title,
    )
    return _finish(
        chart,
        rows,
        height=STEP,
        width=width,
        validate=validate,
        description=description,
    )


def years(
    table: pa.Table,
    *,
    value: str = "participations",
    value_title: str = "Participations",
    width: int | None = None,
    validate: bool = False,
) -> Spec:
    """Columns per year in the years' order (stacked by programme), for a table with `year`,
    `programme` and `value`: an organisation's participations over time. The columns of a
    year still being signed (a `complete` column false) are drawn lighter, with a note."""
    rows = [row for row in records(table) if row.get("year") is not None]
    late = sorted({row["year"] for row in rows if row.get("complete") is False})
    chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=year_axis("Year")),
            y=alt.Y(
                f"{value}:Q",
                title=value_title,
                axis=measure_axis(value, value_title),
                stack="zero",
            ),
            color=programme_colour(rows),
            opacity=alt.OpacityValue(
                1, condition={"test": "datum.complete === false", "value": 0.4}
            ),
            tooltip=[
                alt.Tooltip("programme:N", title="Programme"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip(f"{value}:Q", title=value_title, format=",.0f"),
            ],
        )
    )
    note = (
        "Lighter: "
        + ", ".join(str(year) for year in late)
        + ", still being signed at the snapshot date (not a fall)."
        if late
        else ""
    )
    points = "; ".join(
        f"{r['year']} ({r['programme']}) {_amount(r[value])}"
        + (" (incomplete)" if r.get("complete") is False else "")
        for r in rows
    )
    description = f"Column chart of {value_title.lower()} per year, oldest first: {points}."
    return _finish(
        chart,
        rows,
        width=width,
        height=180,
        note=note,
        validate=validate,
        description=description,
    )


def trend(
    table: pa.Table,
    *,
    value: str = "participations",
    value_title: str = "Participations",
    width: int | None = None,
    validate: bool = False,
) -> Spec:
    """One line per programme over the years, from the `series` indicator; years still
    being signed (its `complete` column false) are drawn dashed, continuing the line, and a
    year whose figure is missing (a year barely begun, or one with nothing loaded yet) is not
    drawn at all, never as a fall to 0: a note under the chart names it."""
    every = records(table)
    absent = [(r["programme"], r["year"]) for r in every if r.get(value) is None]
    rows = _years_drawn([r for r in every if r.get(value) is not None])
    domain = [key for key in PROGRAMME_COLOURS if any(r["programme"] == key for r in rows)]
    base = alt.Chart(_data(rows)).encode(
        x=alt.X("year:O", title="Year", axis=year_axis("Year (start, else call year)")),
        y=alt.Y(f"{value}:Q", title=value_title, axis=measure_axis(value, value_title)),
        color=programme_colour(rows, legend=alt.Legend(**LEGEND_BELOW)),
    )
    line = base.mark_line().encode(
        detail=alt.Detail("stage:N"),
        strokeDash=alt.StrokeDash(
            "stage:N",
            title="Years",
            scale=alt.Scale(domain=list(STAGES), range=[[1, 0], [5, 4]]),
            # The legend draws the dash (a line's points in the same layer would make it a
            # dot, vega-lite#7033), under the chart so that a phone's width goes to the years.
            legend=alt.Legend(symbolType="stroke", symbolStrokeColor="#333333", **LEGEND_BELOW),
        ),
    )
    # The points carry the tooltips; the copy of the last complete year that joins the dashed
    # part to the line is not a point of its own.
    points = (
        base.mark_point(filled=True, size=30, opacity=1)
        .transform_filter("!datum.copy")
        .encode(
            tooltip=[
                alt.Tooltip("programme:N", title="Programme"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip(f"{value}:Q", title=value_title, format=",.0f"),
                alt.Tooltip("share_participations:Q", title="Share of all", format=".2%"),
                alt.Tooltip("stage:N", title="Years"),
            ],
        )
    )
    chart = _layered(line, points, validate=validate)
    note = not_drawn(absent)
    lines = []
    for programme in domain:
        points = {
            r["year"]: (r[value], r["stage"] == STAGES[1])
            for r in rows
            if r["programme"] == programme and not r.get("copy")
        }
        lines.append(
            f"{programme} "
            + ", ".join(
                f"{year}: {count:,}" + (" (incomplete)" if late else "")
                for year, (count, late) in points.items()
            )
        )
    description = (
        f"Line chart of {value_title.lower()} per year, one line per programme: "
        + "; ".join(lines)
        + "."
        + (f" {note}" if note else "")
    )
    return _finish(
        chart,
        rows,
        width=width,
        height=240,
        note=note,
        validate=validate,
        description=description,
    )


# The note under a trend chart: small grey text, one line per 60 characters or so.
NOTE_STYLE: Spec = {
    "orient": "bottom",
    "anchor": "start",
    "fontSize": 11,
    "fontWeight": "normal",
    "color": "#555555",
    "offset": 8,
}


def _note_lines(note: str) -> list[str]:
    """The note in lines short enough for a phone's width (Vega does not wrap titles)."""
    return textwrap.wrap(note, 56)


def not_drawn(absent: Sequence[tuple[str, int]]) -> str:
    """The note naming the years a trend leaves out, or nothing when it draws every year.

    >>> not_drawn([("HE", 2024)])
    'Not drawn: HE 2024, still being signed, with too few participations loaded yet to show.'
    """
    if not absent:
        return ""
    years = ", ".join(f"{programme} {year}" for programme, year in absent)
    return (
        f"Not drawn: {years}, still being signed, with too few participations loaded yet to show."
    )


def _label_placement(static: bool) -> Spec:
    """How a network's labels are placed. In a browser, Vega's label transform puts each one
    beside its node where it overlaps no other label and no node and stays inside the graph,
    and hides a label that fits nowhere (its node still names itself on hover, and the table
    below lists every pair). That transform measures text on a canvas, which the SVG renderer
    of the reports does not have: there the labels of the `STATIC_LABELS` largest nodes only
    are drawn, to the right of their node."""
    if not static:
        return {
            "transform": [
                {
                    "type": "label",
                    "avoidMarks": ["nodes"],
                    "anchor": ["right", "left", "top", "bottom"],
                    "offset": [4, 4, 2, 2],
                    "size": {"signal": "[width, height]"},
                }
            ]
        }
    return {
        "encode": {
            "enter": {"fontSize": {"value": 9}, "fill": {"value": "#1b1f24"}, "dx": {"value": 8},
                      "dy": {"value": 3}},
            "update": {
                "x": {"field": "x"},
                "y": {"field": "y"},
                "text": {"signal": f"datum.datum.rank < {STATIC_LABELS} ? datum.datum.short : ''"},
            },
        }
    }  # fmt: skip


STATIC_LABELS = 10
# The longest node label drawn on a network (the full name is its tooltip).
SHORT = 28
STAGES = ("complete", "incomplete: grants still being signed")


def _years_drawn(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The series' rows with their stage; the last complete year of a programme is repeated
    in the incomplete stage, so that the dashed part continues the solid line."""
    drawn = []
    for programme in dict.fromkeys(row["programme"] for row in rows):
        mine = [row for row in rows if row["programme"] == programme]
        last_complete = None
        for row in mine:
            complete = row.get("complete", True) is not False
            drawn.append(row | {"stage": STAGES[0] if complete else STAGES[1]})
            if complete:
                last_complete = row
        if last_complete is not None and any(r.get("complete") is False for r in mine):
            drawn.append(last_complete | {"stage": STAGES[1], "copy": True})
    return drawn


def partners(
    table: pa.Table, *, limit: int = 20, width: int | None = None, validate: bool = False
) -> Spec:
    """Partner countries as bars coloured by their status in the programme."""
    rows = records(table)[:limit]
    for row in rows:
        row["label"] = row["name"] or row["country"] or "unknown"
        row["group"] = STATUS_TITLES.get(row["status"], row["status"])
    domain = [key for key in STATUS_COLOURS if any(r["status"] == key for r in rows)]
    chart = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=alt.X(
                "participations:Q",
                title="Partner participations",
                axis=measure_axis("participations", "Partner participations"),
            ),
            y=alt.Y("label:N", title=None, sort="-x"),
            color=alt.Color(
                "group:N",
                title="Partner's status",
                scale=alt.Scale(
                    domain=[STATUS_TITLES[k] for k in domain],
                    range=[STATUS_COLOURS[k] for k in domain],
                ),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Country"),
                alt.Tooltip("participations:Q", title="Participations", format=",.0f"),
                alt.Tooltip("projects:Q", title="Shared projects", format=",.0f"),
            ],
        )
    )
    description = (
        "Bar chart of partner participations by partner country, coloured by the partner's "
        f"status, largest first: {_largest([(r['label'], r['participations']) for r in rows])}."
    )
    return _finish(
        chart, rows, height=STEP, width=width, validate=validate, description=description
    )


# A tile-grid map of the United States: each state one square at (column, row), laid out
# after the states' relative positions (a common cartographic convention).
STATE_TILES = {
    "AK": (0, 0), "ME": (11, 0), "VT": (10, 1), "NH": (11, 1), "WA": (1, 2), "ID": (2, 2),
    "MT": (3, 2), "ND": (4, 2), "MN": (5, 2), "IL": (6, 2), "WI": (7, 2), "MI": (8, 2),
    "NY": (9, 2), "RI": (10, 2), "MA": (11, 2), "OR": (1, 3), "NV": (2, 3), "WY": (3, 3),
    "SD": (4, 3), "IA": (5, 3), "IN": (6, 3), "OH": (7, 3), "PA": (8, 3), "NJ": (9, 3),
    "CT": (10, 3), "CA": (1, 4), "UT": (2, 4), "CO": (3, 4), "NE": (4, 4), "MO": (5, 4),
    "KY": (6, 4), "WV": (7, 4), "VA": (8, 4), "MD": (9, 4), "DE": (10, 4), "AZ": (2, 5),
    "NM": (3, 5), "KS": (4, 5), "AR": (5, 5), "TN": (6, 5), "NC": (7, 5), "SC": (8, 5),
    "DC": (9, 5), "OK": (4, 6), "LA": (5, 6), "MS": (6, 6), "AL": (7, 6), "GA": (8, 6),
    "HI": (0, 7), "TX": (4, 7), "FL": (9, 7), "PR": (11, 7),
}  # fmt: skip


def state_map(table: pa.Table, *, width: int | None = None, validate: bool = False) -> Spec:
    """US participations per state on a tile grid, darker for more."""
    found = {row["state"]: row for row in records(table) if row["state"] in STATE_TILES}
    rows = []
    for state, (column, line) in STATE_TILES.items():
        row = found.get(state, {})
        rows.append(
            {
                "state": state,
                "name": row.get("state_name") or state,
                "column": column,
                "line": line,
                "participations": row.get("participations", 0),
            }
        )
    base = alt.Chart(_data(rows)).encode(
        x=alt.X("column:O", axis=None),
        y=alt.Y("line:O", axis=None),
    )
    # The label covers the middle of its tile, where the pointer goes: it tells the same.
    tooltip = [
        alt.Tooltip("name:N", title="State"),
        alt.Tooltip("participations:Q", title="Participations", format=",.0f"),
    ]
    tiles = base.mark_rect(cornerRadius=3, stroke="#ffffff").encode(
        color=alt.Color(
            "participations:Q",
            title="Participations",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(format=",d", tickMinStep=1),
        ),
        tooltip=tooltip,
    )
    labels = base.mark_text(fontSize=11).encode(
        tooltip=tooltip,
        text=alt.Text("state:N"),
        color=alt.ColorValue(
            "black", condition={"test": "datum.participations > 60", "value": "white"}
        ),
    )
    chart = _layered(tiles, labels, validate=validate)
    ranked = sorted(found.values(), key=lambda row: -(row["participations"] or 0))
    named = [(row["state_name"] or row["state"], row["participations"]) for row in ranked]
    description = (
        "Tile map of the United States, each state shaded by its participations, largest "
        f"first: {_largest(named)}."
    )
    return _finish(
        chart, rows, width=width or 560, height=330, validate=validate, description=description
    )


def network(
    edges: pa.Table,
    *,
    source_label: str,
    target_label: str,
    nodes_are: str = "members",
    subject: frozenset[str] = frozenset(),
    max_edges: int = 60,
    width: int = 640,
    height: int = 440,
    static: bool = False,
) -> Spec:
    """A force-directed graph (Vega) of a network indicator: node size by its shared
    projects, edge width by weight, the subject's nodes in EU blue and partners in orange,
    only the `max_edges` strongest edges drawn so that the graph stays legible. Nodes can be
    dragged; `static` lays the graph out at once, for SVG. `nodes_are` names the nodes in
    the chart's text alternative ("countries", "organisations")."""
    rows = sorted(records(edges), key=lambda row: -row["weight"])[:max_edges]
    subject = subject or frozenset(about(edges).get("countries", "").split(","))
    codes = ", ".join(sorted(code for code in subject if code))
    groups = (
        (codes or "The country", "Partner countries")
        if nodes_are == "countries"
        else (f"{codes or 'The country'} {nodes_are}", f"Partner {nodes_are}")
    )
    nodes: dict[object, dict[str, Any]] = {}
    for row in rows:
        for end, label in (("source", source_label), ("target", target_label)):
            own = row.get(f"{end}_own")
            mine = bool(own) if own is not None else str(row[end]) in subject
            name = readable(row[label] or str(row[end]))
            node = nodes.setdefault(
                row[end],
                {
                    "id": str(row[end]),
                    "label": name,
                    "short": name if len(name) <= SHORT else name[: SHORT - 1].rstrip() + "…",
                    "group": groups[0] if mine else groups[1],
                    "weight": 0,
                },
            )
            node["weight"] += row["weight"]
    for rank, node in enumerate(sorted(nodes.values(), key=lambda node: -node["weight"])):
        node["rank"] = rank
    index = {key: number for number, key in enumerate(nodes)}
    links = [
        {"source": index[row["source"]], "target": index[row["target"]], "weight": row["weight"]}
        for row in rows
    ]
    labels = {key: node["label"] for key, node in nodes.items()}
    strongest = [(f"{labels[r['source']]} and {labels[r['target']]}", r["weight"]) for r in rows]
    description = (
        f"Network of {len(nodes)} {nodes_are} taking part together in projects, linked by the "
        f"projects they share ({groups[0]} in blue, {groups[1].lower()} in orange, larger "
        f"for more shared projects); the strongest links: {_largest(strongest)}."
    )
    return {
        "$schema": "https://vega.github.io/schema/vega/v6.json",
        "description": description,
        "width": width,
        "height": height,
        "autosize": "none",
        # Room around the graph for the labels of its outer nodes, and above it for the
        # legend, which stays outside the graph so that no label or node can cover it.
        "padding": {"left": 6, "right": 6, "bottom": 6, "top": 24},
        # The pages widen the graph to its box (bilat/charts.js); the reports keep `width`.
        "usermeta": {"fitWidth": True},
        "legends": [
            {
                "fill": "colour",
                "orient": "top",
                "offset": 6,
                "direction": "horizontal",
                "symbolType": "circle",
                "labelLimit": 0,
                "labelFontSize": 11,
                "aria": False,
            }
        ],
        "signals": [
            {"name": "cx", "update": "width / 2"},
            {"name": "cy", "update": "height / 2"},
            {
                "name": "fix",
                "value": False,
                "on": [
                    {
                        "events": "symbol:mouseout[!event.buttons], window:mouseup",
                        "update": "false",
                    },
                    {"events": "symbol:mouseover", "update": "fix || true"},
                    {
                        "events": "[symbol:mousedown, window:mouseup] > window:mousemove!",
                        "update": "xy()",
                        "force": True,
                    },
                ],
            },
            {
                "name": "node",
                "value": None,
                "on": [{"events": "symbol:mouseover", "update": "fix === true ? item() : node"}],
            },
            {
                "name": "restart",
                "value": False,
                "on": [{"events": {"signal": "fix"}, "update": "fix && fix.length"}],
            },
        ],
        "data": [
            {
                "name": "node-data",
                "values": list(nodes.values()),
                # The vertical middle, which a force pulls every node towards: the graph is
                # wider than high, so it spreads sideways and stays inside its height.
                "transform": [
                    {"type": "formula", "as": "middle", "expr": "height / 2"},
                    {"type": "formula", "as": "centre", "expr": "width / 2"},
                ],
            },
            {"name": "link-data", "values": links},
        ],
        "scales": [
            {
                "name": "colour",
                "type": "ordinal",
                "domain": list(groups),
                "range": [PALETTE[0], PALETTE[1]],
            },
            {
                "name": "size",
                "type": "sqrt",
                "domain": {"data": "node-data", "field": "weight"},
                "range": [40, 900],
            },
            {
                "name": "stroke",
                "type": "linear",
                "domain": {"data": "link-data", "field": "weight"},
                "range": [0.5, 6],
            },
        ],
        "marks": [
            {
                "name": "nodes",
                "type": "symbol",
                "aria": False,
                "zindex": 1,
                "from": {"data": "node-data"},
                "on": [
                    {
                        "trigger": "fix",
                        "modify": "node",
                        "values": (
                            "fix === true ? {fx: node.x, fy: node.y} : {fx: fix[0], fy: fix[1]}"
                        ),
                    },
                    {"trigger": "!fix", "modify": "node", "values": "{fx: null, fy: null}"},
                ],
                "encode": {
                    "enter": {
                        "fill": {"scale": "colour", "field": "group"},
                        "stroke": {"value": "white"},
                        "tooltip": {"signal": "datum.label"},
                    },
                    "update": {
                        "size": {"scale": "size", "field": "weight"},
                        "cursor": {"value": "pointer"},
                    },
                },
                "transform": [
                    {
                        "type": "force",
                        "iterations": 300,
                        "restart": {"signal": "restart"},
                        "static": static,
                        "signal": "force",
                        "forces": [
                            {"force": "center", "x": {"signal": "cx"}, "y": {"signal": "cy"}},
                            {"force": "collide", "radius": 22},
                            # Spread with the width: a wide page gets a wide graph, a phone
                            # a compact one that stays inside its box.
                            {
                                "force": "nbody",
                                "strength": {"signal": "-clamp(width / 3, 90, 400)"},
                            },
                            {
                                "force": "link",
                                "links": "link-data",
                                "distance": {"signal": "clamp(width / 6, 55, 200)"},
                                "strength": 0.2,
                            },
                            # A wide box flattens the graph towards its vertical middle; a
                            # narrow one (a phone) pulls it towards its centre line instead;
                            # a weak pull keeps parts not linked to the rest from drifting
                            # out of a wide one.
                            {
                                "force": "y",
                                "y": "datum.middle",
                                "strength": {"signal": "width < 500 ? 0.03 : 0.12"},
                            },
                            {
                                "force": "x",
                                "x": "datum.centre",
                                "strength": {"signal": "width < 500 ? 0.1 : 0.03"},
                            },
                        ],
                    }
                ],
            },
            {
                "type": "path",
                "aria": False,
                "from": {"data": "link-data"},
                "interactive": False,
                "encode": {
                    "update": {
                        "stroke": {"value": "#8b949e"},
                        "strokeOpacity": {"value": 0.5},
                        "strokeWidth": {"scale": "stroke", "field": "weight"},
                    }
                },
                "transform": [
                    {
                        "type": "linkpath",
                        "require": {"signal": "force"},
                        "shape": "line",
                        "sourceX": "datum.source.x",
                        "sourceY": "datum.source.y",
                        "targetX": "datum.target.x",
                        "targetY": "datum.target.y",
                    }
                ],
            },
            {
                "type": "text",
                "aria": False,
                "from": {"data": "nodes"},
                "interactive": False,
                "zindex": 2,
                "encode": {
                    "enter": {
                        "fontSize": {"value": 11},
                        "fill": {"value": "#1b1f24"},
                    },
                    "update": {
                        "x": {"field": "x"},
                        "y": {"field": "y"},
                        "text": {"field": "datum.short"},
                    },
                },
                **_label_placement(static),
            },
        ],
    }
