"""Commands of the observatory: load CORDIS files, account for them, compute indicators,
write the monitoring reports, generate data for benchmarks. No SQL here: each command builds
the library objects and calls them."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from bilat import exports, indicators
from bilat.cli.display import print_comparison, print_indicator, print_listing
from bilat.cli.group import (
    ReportCommand,
    console,
    interruptible,
    main,
    progress_bar,
    report,
    steps,
    user_errors,
)
from bilat.cli.options import (
    PRINTABLE,
    check_output,
    check_output_folder,
    country_option,
    deliver,
    filter_options,
    output_format,
    output_option,
    programme_option,
    table_output_options,
    warehouse_option,
    warehouse_path,
    write_output,
)
from bilat.cordis.inputs import InputFile
from bilat.formatting import title
from bilat.indicators.comparison import compare
from bilat.reports.make import FORMATS as REPORT_FORMATS
from bilat.reports.make import REPORTS
from bilat.reports.make import WRITERS as REPORT_WRITERS
from bilat.reports.make import build as build_report
from bilat.reports.make import pdf as report_pdf
from bilat.synthetic import factor, generate
from bilat.warehouse.ingest import IngestReport, ingest
from bilat.warehouse.store import Warehouse


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@warehouse_option
@click.option(
    "--programme",
    type=click.Choice(["FP7", "H2020", "HE"]),
    default=None,
    help="Programme of files that do not say it themselves (e.g. a lone organization.csv).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Load even files that would remove most of a table's rows or are an older snapshot.",
)
def ingest_command(
    paths: tuple[Path, ...], warehouse: Path | None, programme: str | None, replace: bool
) -> None:
    """Load CORDIS zips, folders, CSV or xlsx files into the warehouse.

    Files are recognised by their header. The new warehouse is built beside the old one and
    swapped in only when complete; loading the same files again changes nothing. A second
    ingest of the same warehouse waits for the first.
    """
    target = warehouse_path(warehouse)
    with interruptible(target), user_errors(), progress_bar() as update:
        loaded = ingest(
            list(paths), warehouse=target, programme=programme, replace=replace, progress=update
        )
    _print_ingest(loaded, target)
    if not (loaded.loaded or loaded.unchanged or loaded.rederived):  # every file skipped
        raise click.ClickException(
            f"no CORDIS table bilat uses found in {', '.join(str(path) for path in paths)}; "
            f"nothing was loaded into {target}"
        )


def _file_name(source: InputFile) -> str:
    """A file as the ingest's table names it: with its zip or folder, since two dumps hold
    files of the same names (`topics.csv` of Horizon 2020 and of Horizon Europe)."""
    home = source.path.name if source.member else source.path.parent.name
    return f"{home}!{source.name}" if source.member else f"{home}/{source.name}"


def _print_ingest(report: IngestReport, target: Path) -> None:
    if report.loaded:
        table = Table(title=f"Loaded into {target}")
        for name in ("file", "table", "read", "loaded", "quarantined", "recovered"):
            # Names fold onto a second line rather than end in "…" on a narrow terminal.
            text = name in ("file", "table")
            table.add_column(name, justify="left" if text else "right", overflow="fold")
        for item in report.loaded:
            table.add_row(
                _file_name(item.source),
                item.layout.kind,
                f"{item.rows_read:,}",
                f"{item.rows_loaded:,}",
                f"{item.quarantined:,}",
                f"{item.recovered:,}",
            )
        console.print(table)
        console.print(
            _totals(
                len(report.loaded),
                read=sum(item.rows_read for item in report.loaded),
                loaded=sum(item.rows_loaded for item in report.loaded),
                quarantined=sum(item.quarantined for item in report.loaded),
                recovered=sum(item.recovered for item in report.loaded),
            )
        )
    for label in report.unchanged:
        console.print(f"unchanged (already loaded): {label}")
    for label, reason in report.skipped:
        console.print(f"skipped: {label}: {reason}")
    if report.rederived:
        console.print(f"Derived tables of {target} rebuilt for this version of bilat.")
    elif report.unchanged and not report.loaded:
        console.print(f"Nothing changed in {target}.")


@main.command("sources")
@warehouse_option
def sources_command(warehouse: Path | None) -> None:
    """List the loaded source files with their row accounting (read = loaded + quarantined)."""
    with user_errors():
        found = Warehouse(warehouse_path(warehouse)).sources()
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
        return
    click.echo(
        _totals(
            len(found),
            read=sum(row["rows_read"] for row in found),
            loaded=sum(row["rows_loaded"] for row in found),
            quarantined=sum(row["rows_quarantined"] for row in found),
            recovered=sum(row["rows_recovered"] for row in found),
            value_issues=sum(row["value_issues"] for row in found),
        )
    )


def _totals(
    files: int,
    *,
    read: int,
    loaded: int,
    quarantined: int,
    recovered: int,
    value_issues: int | None = None,
) -> str:
    """The last line of `bilat ingest` and `bilat sources`: the sums over every file, so that
    a table split into many files still says what was read, loaded and kept aside."""
    issues = "" if value_issues is None else f", value issues {value_issues:,}"
    return (
        f"Total: {files:,} file{'s' if files != 1 else ''}, read {read:,} = loaded {loaded:,} "
        f"+ quarantined {quarantined:,} (recovered {recovered:,}{issues})."
    )


@main.command("quarantine")
@warehouse_option
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--values", is_flag=True, help="List values that did not parse instead.")
def quarantine_command(warehouse: Path | None, limit: int, values: bool) -> None:
    """List the rows kept aside (and recovered ones), or with --values the values that did
    not parse, each with its file and line."""
    store = Warehouse(warehouse_path(warehouse))
    with user_errors():
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
@filter_options
@click.option("--limit", help="Rows or network nodes, for the indicators that take it.")
@click.option("--order", help="Ranking of top_organisations: participations or ec_contribution.")
@click.option("--peers", help="Peer countries of peer_benchmark, comma-separated.")
@table_output_options
@click.option("--markdown", is_flag=True, help="Print the reference of every indicator.")
def indicators_command(
    name: str | None,
    warehouse: Path | None,
    fmt: str | None,
    output: Path | None,
    markdown: bool,
    **params: Any,
) -> None:
    """List the indicators, or compute NAME for a country (the US by default).

    \b
    bilat indicators
    bilat indicators headline --country US --programme HE
    bilat indicators by_state -o states.csv
    """
    if (markdown or name is None) and (output is not None or fmt is not None):
        raise click.ClickException(
            "the list of indicators prints on the terminal only: name an indicator to write "
            "it with --format or -o"
        )
    if markdown:
        click.echo(indicators.registry.markdown(), nl=False)
        return
    if name is None:
        print_listing()
        return
    fmt = output_format(output, fmt, exports.FORMATS, "table", printable=PRINTABLE)
    if output is not None:
        check_output(output)
    given = {key: value for key, value in params.items() if value not in (None, ())}
    with user_errors():
        indicator = indicators.get(name)
        table = indicator(Warehouse(warehouse_path(warehouse)), **given)
    if fmt == "table":
        print_indicator(table)
        return
    data = exports.write(table, fmt, name=indicator.name, titles=title)
    deliver(
        data,
        output,
        f"{indicator.title}: {table.num_rows} rows written to {output}\n{indicator.definition}",
    )


@main.command("compare")
@click.argument("countries", nargs=-1, required=True)
@warehouse_option
@partial(filter_options, country=False)
@table_output_options
def compare_command(
    countries: tuple[str, ...],
    warehouse: Path | None,
    fmt: str | None,
    output: Path | None,
    **params: Any,
) -> None:
    """Compare COUNTRIES side by side, one column each (never added up), as /compare/ does.

    \b
    bilat compare US CA JP CN
    bilat compare US Canada --programme HE --role coordinator
    bilat compare US CA JP -o compared.xlsx
    """
    fmt = output_format(output, fmt, exports.FORMATS, "table", printable=PRINTABLE)
    if output is not None:
        check_output(output)
    given = {key: value for key, value in params.items() if value not in (None, ())}
    with user_errors():
        found = compare(Warehouse(warehouse_path(warehouse)), countries, **given)
    if fmt == "table":
        print_comparison(found)
        return
    data = exports.write(found.table(), fmt, name="compare")
    deliver(data, output, f"{len(found.columns)} countries compared: written to {output}")


def _monitoring_report(name: str) -> click.Command:
    """The subcommand `bilat report NAME` of one monitoring report."""

    @report.command(name, cls=ReportCommand, help=_monitoring_help(name))
    @warehouse_option
    @country_option
    @programme_option
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(REPORT_FORMATS),
        help="Default: the extension of --output, else pdf.",
    )
    @output_option(f"File to write (default: {name}-COUNTRY[-PROGRAMME].FORMAT here).")
    @click.option(
        "--date",
        "generated",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Generation date printed on the title page (default: none, so that the "
        "same data gives the same file).",
    )
    def command(
        warehouse: Path | None,
        country: str,
        programme: str | None,
        fmt: str | None,
        output: Path | None,
        generated: datetime | None,
    ) -> None:
        fmt = output_format(output, fmt, REPORT_FORMATS, "pdf")
        stem = "-".join(part for part in (name, country.replace(",", "_"), programme) if part)
        target = output or Path(f"{stem}.{fmt}")
        check_output(target)
        with user_errors(), steps() as step:
            document = build_report(
                Warehouse(warehouse_path(warehouse)),
                name,
                country=country,
                programme=programme,
                generated=generated.date() if generated else None,
                progress=step,
            )
            step(f"writing {fmt}")
            data = report_pdf(document, step) if fmt == "pdf" else REPORT_WRITERS[fmt](document)
        write_output(target, data)
        console.print(
            f"{REPORTS[name].title} for {document.country} ({document.programmes}): "
            f"{document.contents()}, written to {target}"
        )

    return command


def _monitoring_help(name: str) -> str:
    kind = REPORTS[name]
    return (
        f"{kind.title} for any country (the US by default), as PDF, HTML or XLSX: "
        f"{kind.description[0].lower()}{kind.description[1:]}"
    )


for _name in REPORTS:  # each report a subcommand of `bilat report`, registered as it is made
    _monitoring_report(_name)


@main.command("generate")
@click.option(
    "--scale",
    default="full",
    show_default=True,
    help="full: the published CORDIS sizes; tenth and small for quick runs; or a factor of "
    "the full size (3, 10) for growth tests.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),  # checked by check_output_folder, in one line
    required=True,
    help="Folder to write the three zips into.",
)
@click.option("--seed", type=int, default=2024, show_default=True)
def generate_command(scale: str, output: Path, seed: int) -> None:
    """Write generated CORDIS zips (FP7, H2020, HE) for benchmarks; never real data."""
    try:
        factor(scale)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--scale") from error
    check_output_folder(output)
    with steps() as step:
        written = generate(output, scale=scale, seed=seed, progress=step)
    for path in written:
        console.print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    console.print("Generated data: for benchmarks and scale tests only, not real CORDIS data.")
