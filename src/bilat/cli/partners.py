"""Commands of partner search: `bilat partners` asks who to work with, `bilat evaluate
partners` measures how good the answers are against what happened later. No SQL here."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from bilat import exports
from bilat.bridges import evaluation, search
from bilat.bridges.search import Suggestions
from bilat.cli.group import console, main, steps, user_errors
from bilat.cli.options import (
    PRINTABLE,
    check_output,
    deliver,
    output_format,
    table_output_options,
    warehouse_option,
    warehouse_path,
)
from bilat.warehouse.store import Warehouse


@main.command("partners")
@warehouse_option
@click.option("--organisation", "pic", type=int, help="PIC of an organisation: who fits it.")
@click.option(
    "--topic", help="Topic code or prefix, e.g. HORIZON-CL5-2024-D3-01-01 or HORIZON-CL5."
)
@click.option("--part", help="Programme part: code (HORIZON.2.1) or name (Health, MSCA).")
@click.option("--field", help="EuroSciVoc field of science, e.g. 'oncology'.")
@click.option("--text", help="Words matched against topic and legal-basis titles and fields.")
@click.option("--side", help="Suggest EU (member states and associated) or US organisations.")
@click.option("--similar", is_flag=True, help="With --organisation: organisations like it.")
@click.option(
    "--open-to-us", is_flag=True, help="European coordinators of projects with US partners."
)
@click.option("--limit", default=str(search.LIMIT), show_default=True, help="How many (1-200).")
@table_output_options
def partners_command(
    warehouse: Path | None,
    pic: int | None,
    topic: str | None,
    part: str | None,
    field: str | None,
    text: str | None,
    side: str | None,
    similar: bool,
    open_to_us: bool,
    limit: str,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Suggest partners across the Atlantic, each with its reasons in words and figures.

    \b
    bilat partners --organisation 999467340              # European partners for a US university
    bilat partners --organisation 999467340 --similar    # organisations like it
    bilat partners --topic HORIZON-CL5 --limit 10        # European coordinators of a call area
    bilat partners --field oncology --side US            # US organisations active in a field
    bilat partners --open-to-us --part Health            # coordinators that took US partners
    """
    if open_to_us and (output is not None or fmt not in (None, "table")):
        raise click.ClickException("--open-to-us prints on the terminal only: drop --format and -o")
    fmt = output_format(output, fmt, exports.FORMATS, "table", printable=PRINTABLE)
    if output is not None:
        check_output(output)
    store = Warehouse(warehouse_path(warehouse))
    with user_errors():
        count = search.parse_limit(limit)
        chosen = search.parse_side(side)
        if open_to_us:
            _print_open(search.open_coordinators(store, part=part, field=field, limit=count))
            return
        if pic is not None:
            found = (
                search.similar(store, pic, limit=count)
                if similar
                else search.for_organisation(store, pic, side=chosen, limit=count)
            )
        else:
            found = search.for_theme(
                store, topic=topic, part=part, field=field, text=text, side=chosen, limit=count
            )
    if fmt == "table":
        _print_suggestions(found)
        return
    data = exports.write(found.table(), fmt, name="partners")
    deliver(data, output, f"{found.title}: {len(found.rows)} organisations written to {output}")


def _print_suggestions(found: Suggestions) -> None:
    console.print(f"[bold]{found.title}[/bold] ({found.question})")
    console.print(search.DEFINITION, style="dim")
    for row in found.rows:
        console.print(
            f"{row['rank']:>3}. {row['name']} ({row['country']}, {row['activity_type'] or '?'}, "
            f"PIC {row['pic']}), score {row['score']}"
        )
        for reason in row["reasons"]:  # type: ignore[attr-defined]
            console.print(f"       - {reason}")
    console.print(exports.ATTRIBUTION, style="dim")


def _print_open(rows: list[dict[str, object]]) -> None:
    grid = Table(title="European coordinators of projects with US participants")
    for column in ("rank", "PIC", "name", "country", "projects with US", "projects"):
        grid.add_column(column)
    for row in rows:
        listed = ", ".join(
            f"{p['acronym']} ({p['programme']} {p['project_id']})"
            for p in row["projects"]  # type: ignore[attr-defined]
        )
        grid.add_row(
            str(row["rank"]),
            str(row["pic"]),
            str(row["name"]),
            str(row["country"]),
            str(row["projects_with_us"]),
            listed,
        )
    console.print(grid)


@main.group("evaluate")
def evaluate() -> None:
    """Measure bilat's suggestions against what really happened later."""


@evaluate.command("partners")
@warehouse_option
@click.option(
    "--split",
    default=evaluation.SPLIT,
    show_default=True,
    type=int,
    help="First call year of the questions; the record ends the year before.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def evaluate_partners(warehouse: Path | None, split: int, fmt: str) -> None:
    """Rank the European organisations for each later project with a US participant, knowing
    only its topic, part, fields and US participant, and score the ranking (recall@20 of the
    coordinator and of the European participants, mean reciprocal rank) beside the baselines.
    """
    store = Warehouse(warehouse_path(warehouse))
    with user_errors(), steps() as step:
        step("learning on the earlier split, then ranking every question")
        run = evaluation.evaluate(store, split=split)
    if fmt == "json":
        click.echo(json.dumps([row.as_json() for row in run.rows], indent=1))
        return
    _print_evaluation(run)


def _print_evaluation(run: evaluation.Evaluation) -> None:
    console.print(
        f"[bold]Partner suggestions against what happened[/bold]: record up to "
        f"{run.evidence_until}, {run.rows[0].cases} questions from {run.split} on, weights "
        f"learned on {run.learning_questions} questions of {run.split - 1}"
    )
    for title, rows in (("all questions", run.rows), ("per programme part", run.parts)):
        grid = Table(title=title)
        for column in ("part", "method", "cases", "coordinator R@20", "participant R@20", "MRR"):
            grid.add_column(column)
        for row in rows:
            grid.add_row(
                row.part,
                row.method + (" (baseline)" if row.baseline else ""),
                str(row.cases),
                _figure(row, "coordinator_recall_at_20"),
                _figure(row, "participant_recall_at_20"),
                _figure(row, "mrr"),
            )
        console.print(grid)
    for metric, goal in evaluation.TARGET.items():
        met = "met" if run.target_met(metric) else "not met"
        console.print(
            f"target {metric} ≥ {goal:.0%} and ≥ {evaluation.TARGET_RATIO} x the best baseline "
            f"({run.best_baseline(metric):.1%}): {met}"
        )


def _figure(row: evaluation.Row, metric: str) -> str:
    low, high = row.intervals[metric]
    return f"{getattr(row, metric):.1%} [{low:.1%}, {high:.1%}]"
