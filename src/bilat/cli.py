"""The `bilat` command: builds the library objects and calls them; no SQL here.

Errors raised on purpose (`BilatError`) become one-line messages and exit code 1; usage
mistakes exit with 2, as click does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bilat import config, exports, indicators
from bilat.errors import BilatError
from bilat.formatting import is_number
from bilat.reports.make import FORMATS as REPORT_FORMATS
from bilat.reports.make import REPORTS
from bilat.reports.make import WRITERS as REPORT_WRITERS
from bilat.reports.make import build as build_report
from bilat.reports.make import pdf as report_pdf
from bilat.synthetic import SCALES, generate
from bilat.warehouse.ingest import IngestReport, ingest
from bilat.warehouse.store import Warehouse

console = Console()
errors = Console(stderr=True)

warehouse_option = click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Warehouse file (default: $BILAT_WAREHOUSE, else the per-user data folder).",
)


def _warehouse(path: Path | None) -> Path:
    return path if path is not None else config.warehouse_path()


@contextmanager
def _user_errors() -> Iterator[None]:
    try:
        yield
    except BilatError as error:
        raise click.ClickException(str(error)) from error


@click.group()
@click.version_option(package_name="bilat")
def main() -> None:
    """bilat: observatory of EU-US cooperation in the EU research framework programmes."""


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@warehouse_option
@click.option(
    "--programme",
    type=click.Choice(["FP7", "H2020", "HE"]),
    default=None,
    help="Programme of files that do not say it themselves (e.g. a lone organization.csv).",
)
def ingest_command(paths: tuple[Path, ...], warehouse: Path | None, programme: str | None) -> None:
    """Load CORDIS zips, folders, CSV or xlsx files into the warehouse.

    Files are recognised by their header. The new warehouse is built beside the old one and
    swapped in only when complete; loading the same files again changes nothing.
    """
    target = _warehouse(warehouse)
    with _user_errors(), _progress() as update:
        report = ingest(list(paths), warehouse=target, programme=programme, progress=update)
    _print_ingest(report, target)


@contextmanager
def _progress() -> Iterator[Any]:
    """A progress bar on stderr that appears with the first update, so errors print clean."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    progress = Progress(*columns, console=errors, transient=True)
    tasks: dict[str, Any] = {}

    def update(message: str, done: int, total: int) -> None:
        if not tasks:
            progress.start()
        stage = message.split(" ", 1)[0]
        if stage not in tasks:
            tasks[stage] = progress.add_task(message, total=total)
        progress.update(tasks[stage], description=message, completed=done, total=total)

    try:
        yield update
    finally:
        if tasks:
            progress.stop()


def _print_ingest(report: IngestReport, target: Path) -> None:
    if report.loaded:
        table = Table(title=f"Loaded into {target}")
        for name in ("file", "table", "read", "loaded", "quarantined", "recovered"):
            table.add_column(name, justify="right" if name not in ("file", "table") else "left")
        for item in report.loaded:
            table.add_row(
                item.source.name,
                item.layout.kind,
                f"{item.rows_read:,}",
                f"{item.table.num_rows:,}",
                f"{item.quarantined:,}",
                f"{item.recovered:,}",
            )
        console.print(table)
    for label in report.unchanged:
        console.print(f"unchanged (already loaded): {label}")
    for label, reason in report.skipped:
        console.print(f"skipped: {label}: {reason}")
    if report.rederived:
        console.print(f"Derived tables of {target} rebuilt for this version of bilat.")
    elif not report.loaded:
        console.print(f"Nothing changed in {target}.")


@main.command("sources")
@warehouse_option
def sources_command(warehouse: Path | None) -> None:
    """List the loaded source files with their row accounting (read = loaded + quarantined)."""
    with _user_errors():
        found = Warehouse(_warehouse(warehouse)).sources()
    for row in found:
        name = Path(row["member"] or row["path"]).name
        snapshot = row["snapshot_date"] or "unknown"
        basis = f" ({row['snapshot_basis']})" if row["snapshot_basis"] else ""
        click.echo(f"{row['programme']:<5} {name}  [{row['layout']}, {row['encoding']}]")
        click.echo(f"      file     {row['label']}")
        click.echo(f"      snapshot {snapshot}{basis}  sha256 {row['sha256']}")
        click.echo(
            f"      read {row['rows_read']:,} = loaded {row['rows_loaded']:,} + quarantined "
            f"{row['rows_quarantined']:,}  (recovered {row['rows_recovered']:,}, "
            f"value issues {row['value_issues']:,})"
        )
    if not found:
        click.echo("No source is loaded yet.")


@main.command("quarantine")
@warehouse_option
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--values", is_flag=True, help="List values that did not parse instead.")
def quarantine_command(warehouse: Path | None, limit: int, values: bool) -> None:
    """List the rows kept aside (and recovered ones), or with --values the values that did
    not parse, each with its file and line."""
    store = Warehouse(_warehouse(warehouse))
    with _user_errors():
        if values:
            for row in store.value_issues(limit=limit):
                click.echo(f"{_where(row)}: {row['field']} = {row['raw_value']!r}: {row['reason']}")
            return
        rows = store.quarantine(limit=limit)
    if not rows:
        click.echo("No row was quarantined.")
    for row in rows:
        status = "recovered" if row["recovered"] else "quarantined"
        text = row["raw_text"].replace("\n", "\\n")
        click.echo(f"{_where(row)}: {status}: {row['reason']}\n    {text[:160]}")


def _where(row: dict[str, Any]) -> str:
    return f"{row['label']}:{row['line']}"


@main.command("indicators")
@click.argument("name", required=False)
@warehouse_option
@click.option(
    "--country",
    default="US",
    show_default=True,
    help="Country code (US, UK or GB), name, comma-separated list, or EU, ASSOCIATED, THIRD.",
)
@click.option("--programme", help="FP7, H2020 or HE, comma-separated (default: all loaded).")
@click.option("--years", help="Year range: 2021, 2014-2020, 2018- or -2016.")
@click.option("--part", "programme_part", help="Programme part: code (HORIZON.1.2) or name (MSCA).")
@click.option("--scheme-group", help="Funding-scheme group, e.g. collaborative, mobility.")
@click.option("--role", help="Role, e.g. coordinator, participant, associatedPartner.")
@click.option("--organisation-type", help="Activity type: HES, REC, PRC, PUB or OTH.")
@click.option("--limit", help="Rows or network nodes, for the indicators that take it.")
@click.option("--order", help="Ranking of top_organisations: participations or ec_contribution.")
@click.option("--peers", help="Peer countries of peer_benchmark, comma-separated.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", *exports.FORMATS]),
    default="table",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of the terminal (required for xlsx).",
)
@click.option("--markdown", is_flag=True, help="Print the reference of every indicator.")
def indicators_command(
    name: str | None,
    warehouse: Path | None,
    fmt: str,
    output: Path | None,
    markdown: bool,
    **params: str | None,
) -> None:
    """List the indicators, or compute NAME for a country (the US by default).

    \b
    bilat indicators
    bilat indicators headline --country US --programme HE
    bilat indicators by_state --format csv -o states.csv
    """
    if markdown:
        click.echo(indicators.registry.markdown(), nl=False)
        return
    if name is None:
        _list_indicators()
        return
    if fmt in ("xlsx", "parquet") and output is None:
        raise click.UsageError(f"--format {fmt} writes a file: add --output FILE.{fmt}")
    given = {key: value for key, value in params.items() if value is not None}
    with _user_errors():
        indicator = indicators.get(name)
        table = indicator(Warehouse(_warehouse(warehouse)), **given)
    if fmt == "table":
        _print_indicator(table)
        return
    data = exports.write(table, fmt, name=indicator.name)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    output.write_bytes(data)
    errors.print(f"{indicator.title}: {table.num_rows} rows written to {output}")
    errors.print(indicator.definition)


def _list_indicators() -> None:
    listing = Table(title="Indicators (bilat indicators NAME --help for the parameters)")
    for column in ("name", "title", "options"):
        listing.add_column(column)
    for item in indicators.REGISTRY.values():
        listing.add_row(item.name, item.title, ", ".join(o.name for o in item.options))
    console.print(listing)


def _print_indicator(table: Any) -> None:
    """The table for a terminal: numbers never cut, the programme column only when it varies,
    wide one-row tables turned on their side."""
    about = exports.about(table)
    console.print(
        f"[bold]{about['title']}[/bold]: {about['country']}, "
        f"{about['programmes'] or 'no programme loaded'} ({about['filters']})"
    )
    console.print(about["definition"], style="dim")
    rows = exports.records(table)
    names = list(table.column_names)
    if "programme" in names and len({row["programme"] for row in rows}) <= 1:
        names.remove("programme")
    grid = Table(show_edge=False)
    numeric = {column: is_number(table.schema.field(column).type) for column in names}
    if rows and len(rows) <= 4 and all(numeric[column] for column in names):
        grid.add_column("")
        for row in rows:
            grid.add_column(str(row.get("programme", "")), justify="right")
        for column in names:
            grid.add_row(column, *(_cell(column, row[column]) for row in rows))
    else:
        for column in names:
            grid.add_column(
                _SHORT.get(column, column.replace("_", " ")),
                justify="right" if numeric[column] else "left",
                no_wrap=True,
            )
        for row in rows:
            grid.add_row(*(_cell(column, row[column]) for column in names))
    # Never squeeze numbers into ellipses: a table wider than the terminal is printed at its
    # natural width (the terminal wraps it; a pipe or file keeps it intact).
    natural = Measurement.get(console, console.options.update_width(10_000), grid).maximum
    Console(width=max(console.width, natural)).print(grid)
    for caveat in about.get("caveats", []):
        console.print(f"- {caveat}", style="dim")
    console.print(exports.ATTRIBUTION, style="dim")


# Column headers short enough for an 80-column terminal.
_SHORT = {
    "participations": "part.",
    "funded_participations": "funded",
    "unfunded_participations": "unfunded",
    "organisations": "orgs",
    "projects": "projects",
    "coordinated_projects": "coord.",
    "ec_contribution": "EU EUR",
    "net_ec_contribution": "net EUR",
    "programme_share": "of all",
    "participations_fp7": "FP7",
    "participations_h2020": "H2020",
    "participations_he": "HE",
    "shared_projects": "shared",
    "short_name": "short",
    "activity_type": "type",
}


def _cell(column: str, value: object) -> str:
    if value is None:
        return ""
    if "share" in column and isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:,.0f}" if "contribution" in column else f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return (
            str(value)
            if "year" in column or column in ("pic", "source", "target")
            else f"{value:,}"
        )
    return str(value)


def _django(*, migrate: bool = True) -> None:
    """Set Django up for a command that reads or writes the coordination data."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilat.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)


@main.command("report")
@click.argument("name", type=click.Choice([*REPORTS, "awareness", "event-outcome"]))
@warehouse_option
@click.option("--country", default="US", show_default=True, help="Country code, name or group.")
@click.option("--programme", help="FP7, H2020 or HE (default: every programme loaded).")
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="pdf", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: NAME-COUNTRY[-PROGRAMME].FORMAT here).",
)
@click.option(
    "--date",
    "generated",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Generation date printed on the title page (default: none, so that the "
    "same data gives the same file).",
)
@click.option(
    "--from",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="awareness: first day of the period (default: 1 January of this year).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="awareness: last day of the period (default: 31 December of this year).",
)
@click.option("--event", "slug", help="event-outcome: the event (its slug, as in its address).")
def report_command(
    name: str,
    warehouse: Path | None,
    country: str,
    programme: str | None,
    fmt: str,
    output: Path | None,
    generated: datetime | None,
    start: datetime | None,
    end: datetime | None,
    slug: str | None,
) -> None:
    """Write a monitoring report (us-participation or cooperation-monitoring) as PDF, HTML
    or XLSX, for any country (the US by default); or the awareness-raising and events
    activity report of a period (awareness) or the outcome report of an event
    (event-outcome --event SLUG), PDF or HTML, from the coordination data."""
    if name == "awareness":
        _awareness_report(fmt, output, start, end)
        return
    if name == "event-outcome":
        _event_report(fmt, output, slug)
        return
    stem = "-".join(part for part in (name, country.replace(",", "_"), programme) if part)
    target = output or Path(f"{stem}.{fmt}")
    with _user_errors(), _steps() as step:
        document = build_report(
            Warehouse(_warehouse(warehouse)),
            name,
            country=country,
            programme=programme,
            generated=generated.date() if generated else None,
            progress=step,
        )
        step(f"writing {fmt}")
        data = report_pdf(document, step) if fmt == "pdf" else REPORT_WRITERS[fmt](document)
    target.write_bytes(data)
    console.print(
        f"{REPORTS[name].title} for {document.country} ({document.programmes}): "
        f"{len(document.tables)} tables, {len(document.figures)} figures, written to {target}"
    )


def _coordination_report(fmt: str, target: Path, build: Any, what: str) -> None:
    """Build a report of the coordination data with `build(progress)`, write it as PDF or
    HTML to `target`, and say what was written."""
    if fmt == "xlsx":
        raise click.BadParameter(f"the {what} is written as pdf or html", param_hint="--format")
    from bilat.coordination.reporting import write_report

    with _user_errors(), _steps() as step:
        document = build(step)
        data = write_report(document, fmt, step)
    target.write_bytes(data)
    console.print(
        f"{what[0].upper()}{what[1:]}: {len(document.tables)} tables, "
        f"{len(document.figures)} figures, written to {target}"
    )


def _awareness_report(
    fmt: str, output: Path | None, start: datetime | None, end: datetime | None
) -> None:
    year = datetime.now().year
    first = start.date() if start else datetime(year, 1, 1).date()
    last = end.date() if end else datetime(year, 12, 31).date()
    _django()
    from bilat.coordination.awareness import report as awareness

    _coordination_report(
        fmt,
        output or Path(f"awareness-{first}-{last}.{fmt}"),
        lambda step: awareness.build(first, last, progress=step),
        f"awareness report {first} to {last}",
    )


def _event_report(fmt: str, output: Path | None, slug: str | None) -> None:
    if not slug:
        raise click.BadParameter("name the event with --event SLUG", param_hint="--event")
    _django()
    from bilat.coordination.events import report as event_report
    from bilat.coordination.events.models import Event

    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise click.BadParameter(f"no event has the slug {slug!r}", param_hint="--event")
    _coordination_report(
        fmt,
        output or Path(f"{slug}-outcome.{fmt}"),
        lambda step: event_report.build(event, progress=step),
        f"outcome report of {event.title}",
    )


@contextmanager
def _steps() -> Iterator[Any]:
    """A spinner with the current step on stderr, for work whose length is not known."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )
    task = progress.add_task("starting", total=None)
    with progress:
        yield lambda message: progress.update(task, description=message)


@main.command("generate")
@click.option(
    "--scale",
    type=click.Choice(list(SCALES)),
    default="full",
    show_default=True,
    help="full: the published CORDIS sizes; tenth and small for quick runs.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the three zips into.",
)
@click.option("--seed", type=int, default=2024, show_default=True)
def generate_command(scale: str, output: Path, seed: int) -> None:
    """Write generated CORDIS zips (FP7, H2020, HE) for benchmarks; never real data."""
    with _steps() as step:
        written = generate(output, scale=scale, seed=seed, progress=step)
    for path in written:
        console.print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    console.print("Generated data: for benchmarks and scale tests only, not real CORDIS data.")


@main.command("settings")
def settings_command() -> None:
    """Show every setting, its environment variable, current value and meaning."""
    for setting in config.SETTINGS:
        click.echo(f"{setting.env}={setting.value()}\n    {setting.help}")


@main.command("demo")
def demo_command() -> None:
    """Fill the coordination side with example data (invented people and events, marked as
    examples) and a demo editor account; for trying bilat out, never for a real deployment."""
    _django()
    from bilat.coordination import demo

    created = demo.load()
    if not created:
        console.print("The example data is already loaded.")
        return
    console.print(
        "Example coordination data loaded ("
        + ", ".join(f"{n} {what}" for what, n in created.items())
        + f"). Log in as {demo.EDITOR[0]!r} with password {demo.EDITOR[1]!r} to edit it."
    )


@main.command("import-people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--event", "slug", help="Also register everyone imported for this event (slug).")
@click.option("--dry-run", is_flag=True, help="Show what would happen and write nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before writing.")
def import_people_command(path: Path, slug: str | None, dry_run: bool, yes: bool) -> None:
    """Import people into the stakeholder directory from CSV (bilat's template, or an Indico
    or pretix registration export): each line is created, merged (same e-mail) or rejected,
    with the reason; nothing is written unless every accepted line can be."""
    _django()
    from bilat.coordination.events.models import Event
    from bilat.coordination.stakeholders import imports

    with _user_errors():
        preview = imports.read(path.name, path.read_bytes())
        event = Event.objects.filter(slug=slug).first() if slug else None
        if slug and event is None:
            raise click.BadParameter(f"no event has the slug {slug!r}", param_hint="--event")
        table = Table("line", "action", "e-mail", "why", title=f"{path} ({preview.layout})")
        for row in preview.rows:
            table.add_row(str(row.line), row.action, row.email, row.reason)
        console.print(table)
        for note in preview.notes:
            console.print(note)
        counts = preview.counts
        console.print(
            f"{counts['create']} to create, {counts['merge']} to merge, "
            f"{counts['reject']} rejected."
        )
        if dry_run or not (counts["create"] or counts["merge"]):
            return
        if not yes:
            click.confirm("Import them?", abort=True)
        done = imports.apply(None, preview, event=event)
    console.print("Imported: " + ", ".join(f"{n} {what}" for what, n in sorted(done.items())))


@main.command("user")
@click.argument("username")
@click.option("--email", default="", help="E-mail address of the account.")
@click.option(
    "--role",
    type=click.Choice(["editor", "admin"]),
    required=True,
    help="editor: manages the coordination data; admin: also users and roles.",
)
@click.password_option(help="Password (asked for when not given).")
def user_command(username: str, email: str, role: str, password: str) -> None:
    """Create an editor or admin account, or give an existing one that role."""
    _django()
    from django.contrib.auth.models import User

    from bilat.coordination.roles import grant

    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    user.set_password(password)
    grant(user, role)
    console.print(f"{'Created' if created else 'Updated'} {role} account {username!r}.")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes; above 1, gunicorn serves (as in production) instead of "
    "Django's development server.",
)
@warehouse_option
def serve_command(host: str, port: int, workers: int, warehouse: Path | None) -> None:
    """Serve the web pages on http://HOST:PORT (migrating the coordination database first)."""
    os.environ["BILAT_WAREHOUSE"] = str(_warehouse(warehouse))
    _django()
    from django.core.management import execute_from_command_line

    from bilat.web.views import bundle_script

    bundle_script()  # build the chart script now, not on the first visitor's request
    if workers == 1:
        execute_from_command_line(["bilat", "runserver", "--noreload", f"{host}:{port}"])
        return
    from gunicorn.app.wsgiapp import run

    # --preload: the app (and its chart script) is built once, before the workers fork.
    sys.argv = [
        "gunicorn",
        "bilat.web.wsgi:application",
        "--preload",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--bind",
        f"{host}:{port}",
        "--access-logfile",
        "-",
    ]
    run()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
