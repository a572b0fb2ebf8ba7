"""Commands of the coordination side: the example data, importing people, accounts, and the
two reports written from the coordination data (awareness, event outcome).

Django is set up (and the database migrated) only by the commands that need it, so the
observatory commands start without it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from bilat.cli.group import ReportCommand, console, main, report, steps, user_errors
from bilat.cli.options import check_output, output_format, output_option, write_output

_FORMATS = ("pdf", "html")
_DAY = click.DateTime(formats=["%Y-%m-%d"])


def django_setup(*, migrate: bool = True) -> None:
    """Set Django up for a command that reads or writes the coordination data."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilat.site.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)


def _format_option(command: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(_FORMATS),
        help="Default: the extension of --output, else pdf.",
    )(command)


@report.command("awareness", cls=ReportCommand)
@click.option(
    "--from", "start", type=_DAY, help="First day of the period (default: 1 January of this year)."
)
@click.option(
    "--to", "end", type=_DAY, help="Last day of the period (default: 31 December of this year)."
)
@_format_option
@output_option("File to write (default: awareness-FROM-TO.FORMAT here).")
def awareness_report(
    start: datetime | None, end: datetime | None, fmt: str | None, output: Path | None
) -> None:
    """The awareness-raising and events activity report of a period, as PDF or HTML, from the
    coordination data: the awareness log and its reach, the events held and their attendance,
    and the recommendations made."""
    year = datetime.now().year
    first = start.date() if start else date(year, 1, 1)
    last = end.date() if end else date(year, 12, 31)
    fmt, target = _target(output, fmt, f"awareness-{first}-{last}")
    django_setup()
    from bilat.coordination.awareness import report as awareness

    _write_report(
        fmt,
        target,
        lambda step: awareness.build(first, last, progress=step),
        f"awareness report {first} to {last}",
    )


@report.command("event-outcome", cls=ReportCommand)
@click.option("--event", "slug", required=True, help="The event (its slug, as in its address).")
@_format_option
@output_option("File to write (default: SLUG-outcome.FORMAT here).")
def event_outcome_report(slug: str, fmt: str | None, output: Path | None) -> None:
    """The outcome report of one event, as PDF or HTML, from the coordination data: who took
    part (counted by side, sector, country and organisation type), its programme, its outcome
    and its recommendations."""
    fmt, target = _target(output, fmt, f"{slug}-outcome")
    django_setup()
    from bilat.coordination.events import report as event_report
    from bilat.coordination.events.models import Event

    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise click.BadParameter(f"no event has the slug {slug!r}", param_hint="--event")
    _write_report(
        fmt,
        target,
        lambda step: event_report.build(event, progress=step),
        f"outcome report of {event.title}",
    )


@report.command("series-outcome", cls=ReportCommand)
@_format_option
@output_option("File to write (default: series-outcome.FORMAT here).")
def series_outcome_report(fmt: str | None, output: Path | None) -> None:
    """The outcomes of every event held, read in the CORDIS data: organisations that took
    part (by their confirmed PICs) later in joint projects, EU-US pairs that met and pairs
    that had a meeting first working together after, against a comparison group."""
    fmt, target = _target(output, fmt, "series-outcome")
    django_setup()
    from bilat.coordination.outcomes.report import series

    _write_report(
        fmt,
        target,
        lambda step: series(progress=step),
        "series outcome report",
    )


def _target(output: Path | None, given: str | None, stem: str) -> tuple[str, Path]:
    """A report's format and file (`-o`, else `stem.FORMAT` here), refused in one line
    before the database is touched if the file cannot be written."""
    fmt = output_format(output, given, _FORMATS, "pdf")
    target = output or Path(f"{stem}.{fmt}")
    check_output(target)
    return fmt, target


def _write_report(fmt: str, target: Path, build: Callable[[Any], Any], what: str) -> None:
    """Build a report of the coordination data with `build(progress)`, write it as PDF or
    HTML to `target`, and say what was written."""
    from bilat.coordination.reporting import write_report

    with user_errors(), steps() as step:
        document = build(step)
        data = write_report(document, fmt, step)
    write_output(target, data)
    console.print(f"{what[0].upper()}{what[1:]}: {document.contents()}, written to {target}")


@main.command("demo")
def demo_command() -> None:
    """Fill the coordination side with example data (invented people and events, marked as
    examples) and a demo editor account; for trying bilat out, never for a real deployment."""
    django_setup()
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


@main.command("reminders")
def reminders_command() -> None:
    """E-mail the reminders that are due: each confirmed registrant of an event, once, as
    many days before it starts as the event says (with the .ics and the online link). Run it
    from cron every quarter of an hour; a reminder is never sent twice."""
    django_setup()
    from bilat.coordination.events.reminders import send_due

    sent = send_due()
    console.print(f"Sent {sent.reminders} reminders for {sent.events} events.")


@main.command("match-organisations")
def match_organisations_command() -> None:
    """Suggest the CORDIS organisation (PIC) of every directory organisation without one,
    from its name and country; an editor confirms each on the organisation's page."""
    django_setup()
    from bilat.coordination.stakeholders.matching import suggest_all
    from bilat.serving import warehouse

    with user_errors():
        n = suggest_all(None, warehouse())
    console.print(f"{n} organisations have a suggested CORDIS organisation.")


@main.command("import-people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--event", "slug", help="Also register everyone imported for this event (slug).")
@click.option("--dry-run", is_flag=True, help="Show what would happen and write nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before writing.")
def import_people_command(path: Path, slug: str | None, dry_run: bool, yes: bool) -> None:
    """Import people into the stakeholder directory from CSV (bilat's template, or an Indico
    or pretix registration export): each line is created, merged (same e-mail) or rejected,
    with the reason; nothing is written unless every accepted line can be."""
    django_setup()
    from bilat.coordination.events import imports
    from bilat.coordination.events.models import Event

    with user_errors():
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
    django_setup()
    from django.contrib.auth.models import User

    from bilat.coordination.roles import grant, set_password

    found = User.objects.filter(username=username).first()
    user = found or User(username=username, email=email)
    created = found is None
    with user_errors():
        set_password(user, password)  # Django's password validators first
    grant(user, role)
    console.print(f"{'Created' if created else 'Updated'} {role} account {username!r}.")


@main.command("backup")
@output_option("File to write (default: bilat-backup-DATE.json.gz here).")
def backup_command(output: Path | None) -> None:
    """Back up the coordination database (people, consents, events, registrations,
    recommendations, awareness log, change log, accounts) to one gzipped JSON file, consistent
    while the server runs; the same file restores into SQLite or PostgreSQL."""
    target = output or Path(f"bilat-backup-{date.today()}.json.gz")
    check_output(target)  # before the database is touched
    django_setup()
    from bilat.coordination import backup

    with user_errors():
        summary = backup.backup(target)
    # click.echo, not rich: a path must not be wrapped in the middle (users copy it).
    click.echo(f"Backed up {summary.total:,} records ({summary.database}) to {target}.")


@main.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(path: Path) -> None:
    """Restore a `bilat backup` file into an empty coordination database (the one DATABASE_URL
    names, migrated first), all or nothing; refuses a database that already holds records."""
    django_setup()
    from bilat.coordination import backup

    with user_errors():
        summary = backup.restore(path)
    click.echo(
        f"Restored {summary.total:,} records from {path} (backed up {summary.made} "
        f"from {summary.database})."
    )
