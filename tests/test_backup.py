"""`bilat backup` and `bilat restore`: every coordination record and account comes back in an
empty database, a database that holds records is refused, and a file that is not a backup gets
one line naming it."""

from __future__ import annotations

import gzip
from datetime import date

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.core import serializers
from django.core.management import call_command

from bilat.cli import main
from bilat.coordination import backup, demo
from bilat.coordination.stakeholders.models import Person
from bilat.errors import CoordinationError

from factories import make_person

pytestmark = [pytest.mark.coordination, pytest.mark.django_db(transaction=True)]


def everything() -> list[dict]:
    """Every record a backup should hold, as plain data (accounts by username)."""
    records = [
        record for model in backup.models() for record in model._default_manager.order_by("pk")
    ]
    return serializers.serialize(
        "python", records, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )


def test_a_backup_restores_into_an_empty_database_with_every_record(tmp_path):
    demo.load(date(2026, 6, 1))
    person = make_person("ana@example.org")
    person.account = User.objects.create_user("ana", "ana@example.org", "a long passphrase")
    person.save()
    before = everything()
    assert len(before) > 100 and {r["model"] for r in before} >= {
        "auth.user",
        "auth.group",
        "stakeholders.person",
        "stakeholders.consent",
        "events.event",
        "events.registration",
        "recommendations.recommendation",
        "recommendations.statuschange",
        "awareness.activity",
        "audit.change",
    }
    target = tmp_path / "coordination.json.gz"

    saved = CliRunner().invoke(main, ["backup", "-o", str(target)])
    assert saved.exit_code == 0, saved.output
    assert f"Backed up {len(before):,} records" in saved.output

    call_command("flush", interactive=False, verbosity=0)
    assert {r["model"] for r in everything()} == {"auth.group"}  # the roles, made by migrate
    restored = CliRunner().invoke(main, ["restore", str(target)])
    assert restored.exit_code == 0, restored.output
    assert f"Restored {len(before):,} records from {target}" in restored.output
    assert everything() == before
    assert User.objects.get(username="ana").check_password("a long passphrase")
    # New records after a restore get new ids (PostgreSQL's sequences were moved on).
    assert make_person("new@example.org").pk > max(
        p.pk for p in Person.objects.exclude(email="new@example.org")
    )


def test_restore_refuses_a_database_that_holds_records_and_changes_nothing(tmp_path):
    make_person("ana@example.org")
    target = tmp_path / "b.json.gz"
    backup.backup(target)
    before = everything()
    held = r"empty database only, and this one holds .*1 stakeholders.person"
    with pytest.raises(CoordinationError, match=held):
        backup.restore(target)
    assert everything() == before
    refused = CliRunner().invoke(main, ["restore", str(target)])
    assert refused.exit_code == 1 and "point DATABASE_URL at a new database" in refused.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,email\n", "not a bilat backup"),
        (gzip.compress(b'[{"model": "auth.user"}]\n'), "not a bilat backup"),
        (gzip.compress(b'{"format": "bilat-coordination-backup", "version": 9}\n[]'), "version 9"),
    ],
)
def test_a_file_that_is_not_a_backup_gets_one_line_naming_it(tmp_path, content, message):
    path = tmp_path / "wrong.json.gz"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["restore", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: ") and message in result.output
