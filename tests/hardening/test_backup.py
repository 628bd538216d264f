"""Backup and restore (issue 12): the demo centre with its cases and uploaded files, backed up
while it runs and restored into a fresh database (a SQLite file on SQLite, a new database on
PostgreSQL); the audit chain and every file's hash hold afterwards."""

import io
import json
import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shenpi.audit.models import AuditEntry
from shenpi.cases.models import Case, CaseMaterial

from .servers import BIN, clean_environ


@pytest.fixture
def centre(transactional_db, seeded, audit_flushable, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo-data", "--cases", stdout=io.StringIO())


@pytest.fixture
def fresh_database(tmp_path):
    """A URL of a new, empty database of the same engine."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    admin = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"] or "postgres",
                            dbname="postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def shenpi(env, *args):
    return subprocess.run([str(BIN / "shenpi"), *args], env=env, capture_output=True, text=True, timeout=300)


def test_a_backup_restores_into_a_fresh_database_with_the_audit_chain_and_every_file(centre, fresh_database, tmp_path):
    assert CaseMaterial.objects.exclude(file="").count() >= 3, "the demo has uploaded files"
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor and len(manifest["media"]) >= 3

    env = {**clean_environ(), "DATABASE_URL": fresh_database, "SHENPI_VAR_DIR": str(tmp_path / "var2"),
           "SHENPI_SECRET_KEY": "test-only-" + "k" * 50}
    restored = shenpi(env, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    verified = shenpi(env, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"audit chain holds: {AuditEntry.objects.count()} entries" in verified.stdout
    files = shenpi(env, "media", "check")
    assert files.returncode == 0 and "0 missing, 0 changed" in files.stdout, files.stdout + files.stderr
    counted = shenpi(env, "shell", "-c", "from shenpi.cases.models import Case; print(Case.objects.count())")
    assert counted.stdout.strip().splitlines()[-1] == str(Case.objects.count())
    # Into a database that has data already, it refuses.
    again = shenpi(env, "restore", str(tmp_path / "backup"))
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_written(centre, fresh_database, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    damaged = next((tmp_path / "backup" / "media").rglob("*.pdf"))
    damaged.write_bytes(damaged.read_bytes() + b"x")
    env = {**clean_environ(), "DATABASE_URL": fresh_database, "SHENPI_VAR_DIR": str(tmp_path / "var3"),
           "SHENPI_SECRET_KEY": "test-only-" + "k" * 50}
    result = shenpi(env, "restore", str(tmp_path / "backup"))
    assert result.returncode != 0 and "differ" in result.stderr
    assert not (tmp_path / "var3" / "media").exists() or not any((tmp_path / "var3" / "media").rglob("*.pdf"))
