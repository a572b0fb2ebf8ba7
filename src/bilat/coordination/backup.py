"""Backing up and restoring the coordination database, on SQLite or PostgreSQL alike.

A backup is every record of the coordination apps and the accounts (users and their groups,
which carry the roles), one JSON line per record in Django's serialised form, gzipped. It is
read in one transaction that sees one moment of the database (REPEATABLE READ on PostgreSQL,
one read transaction on SQLite), so it is consistent while the server keeps taking
registrations.

The format does not depend on the database, so a backup of the embedded SQLite file restores
into PostgreSQL: that is also the way to move a deployment from one to the other. A restore
goes into an empty database only (a freshly migrated one), in one transaction: it cannot
merge into or half-overwrite live data. Sessions are not kept: after a restore everyone logs in
again. Uploaded documents are files beside the database and are copied on their own (README).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.utils.duration import duration_iso_string

from bilat.errors import CoordinationError

FORMAT = "bilat-coordination-backup"
VERSION = 1
# What a backup holds, in an order where what is referred to comes first.
ACCOUNT_MODELS = ("auth.group", "auth.user")
# Made by `migrate` itself (the roles' groups): present in an empty database, matched by name.
MADE_BY_MIGRATE = {"auth.group"}
# Apps whose rows are no one's record (the brakes' counts of the last hour): not backed up.
TRANSIENT = {"limits"}


@dataclass(frozen=True)
class Summary:
    """What a backup holds or a restore wrote: records per model, and when it was made."""

    made: str
    database: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def models() -> list[type[Model]]:
    """The models a backup holds: accounts, then every coordination app's, dependencies first."""
    app_list: dict[Any, list[type[Model]] | None] = {}
    for label in ACCOUNT_MODELS:
        model = apps.get_model(label)
        app_list.setdefault(model._meta.app_config, []).append(model)  # type: ignore[union-attr]
    for config in apps.get_app_configs():
        if config.name.startswith("bilat.coordination.") and config.label not in TRANSIENT:
            app_list[config] = None
    return list(serializers.sort_dependencies(app_list.items()))


def backup(target: Path) -> Summary:
    """Write every coordination record and account to `target` (gzipped JSON)."""
    counts: dict[str, int] = {}
    made = datetime.now(UTC).isoformat(timespec="seconds")
    partial = target.with_name(f".{target.name}.partial")
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        _write(partial, made, counts, snapshot=snapshot)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)  # a backup interrupted half-way never looks like a whole one
    return Summary(made, connection.vendor, counts)


def _write(partial: Path, made: str, counts: dict[str, int], *, snapshot: bool) -> None:
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:  # one snapshot for every table read below
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with gzip.open(partial, "wt", encoding="utf-8") as out:
            header = {"format": FORMAT, "version": VERSION, "made": made}
            out.write(json.dumps(header | {"database": connection.vendor}) + "\n")
            for model in models():
                label = model._meta.label_lower
                counts[label] = 0
                records = model._default_manager.order_by("pk").iterator(chunk_size=2000)
                for record in serializers.serialize(
                    "python",
                    records,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=True,
                ):
                    counts[label] += 1
                    out.write(json.dumps(record, default=_plain, ensure_ascii=False) + "\n")


def restore(source: Path) -> Summary:
    """Load a backup written by `backup` into this (empty, migrated) database, all or nothing."""
    header, body = _read(source)
    occupied = {
        model._meta.label_lower: n
        for model in models()
        if model._meta.label_lower not in MADE_BY_MIGRATE and (n := model._default_manager.count())
    }
    if occupied:
        held = ", ".join(f"{n} {label}" for label, n in occupied.items())
        raise CoordinationError(
            f"{source}: restore writes into an empty database only, and this one holds {held}; "
            "point DATABASE_URL at a new database"
        )
    counts: dict[str, int] = {}
    with transaction.atomic():
        try:
            objects = list(serializers.deserialize("python", body, handle_forward_references=True))
        except serializers.base.DeserializationError as error:
            raise CoordinationError(f"{source}: not a readable bilat backup ({error})") from None
        for obj in objects:
            obj.save()
            label = obj.object._meta.label_lower
            counts[label] = counts.get(label, 0) + 1
        for obj in objects:
            if obj.deferred_fields:
                obj.save_deferred_fields()
        _reset_sequences()
    return Summary(str(header.get("made", "")), str(header.get("database", "")), counts)


def _read(source: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        with gzip.open(source, "rt", encoding="utf-8") as stream:
            header = json.loads(stream.readline())
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise CoordinationError(f"{source}: not a bilat backup (no {FORMAT} header)")
            body = [json.loads(line) for line in stream if line.strip()]
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CoordinationError(f"{source}: not a bilat backup ({error})") from None
    if header.get("version") != VERSION:
        raise CoordinationError(
            f"{source}: a backup of format version {header.get('version')}; "
            f"this bilat reads version {VERSION}"
        )
    return header, body


def _plain(value: object) -> str:
    """JSON for the values Django's python serialiser leaves as objects, to the microsecond
    (Django's own JSON encoder cuts times to the millisecond)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to a backup")


def _reset_sequences() -> None:
    """Move PostgreSQL's id sequences past the restored ids, so new records do not collide."""
    statements = connection.ops.sequence_reset_sql(no_style(), models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
