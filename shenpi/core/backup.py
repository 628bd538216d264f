"""Backups of the database and the uploaded files, and restoring them into an empty database.

A backup is a directory:
  database.sqlite3   SQLite's online copy (VACUUM INTO: a consistent snapshot while serving), or
  database.pgdump    pg_dump's custom format (a consistent snapshot), restored with pg_restore;
  media/             every uploaded file, copied after the database, so each row's file is there;
  manifest.json      when, which engine, and the SHA-256 of the database file and of every file.

Restoring checks every hash first and refuses a database that already has tables, then checks
the restored files against the manifest again."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432),
            "--username", str(db.get("USER") or "postgres")]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tree_hashes(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): sha256_of(p) for p in sorted(root.rglob("*")) if p.is_file()}


def backup(target: Path) -> dict:
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        db_file = target / "database.sqlite3"
        with connection.cursor() as cur:
            cur.execute("VACUUM INTO %s", [str(db_file)])
    elif connection.vendor == "postgresql":
        db_file = target / "database.pgdump"
        args, env = _pg_env()
        subprocess.run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(db_file),
                        str(settings.DATABASES["default"]["NAME"])], env=env, check=True)
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, target / "media")
    manifest = {"created_at": timezone.now().isoformat(), "engine": connection.vendor,
                "database": {"file": db_file.name, "sha256": sha256_of(db_file)},
                "media": _tree_hashes(target / "media")}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def verify(source: Path) -> dict:
    """The manifest, after checking every hash in it; BackupError naming what differs."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source}: no readable {MANIFEST} ({exc})") from None
    db_file = source / manifest["database"]["file"]
    if not db_file.is_file() or sha256_of(db_file) != manifest["database"]["sha256"]:
        raise BackupError(f"{db_file} is missing or differs from the manifest")
    found = _tree_hashes(source / "media")
    if found != manifest["media"]:
        bad = sorted(set(found.items()) ^ set(manifest["media"].items()))
        raise BackupError(f"media differ from the manifest: {', '.join(name for name, _ in bad[:5])}")
    return manifest


def restore(source: Path) -> dict:
    source = Path(source)
    manifest = verify(source)
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"the backup is of {manifest['engine']}; this database is {connection.vendor}")
    if connection.introspection.table_names():
        raise BackupError("the database is not empty: restore into a new, empty database")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        raise BackupError(f"{media} has files already: restore into an empty media directory")
    db_file = source / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        name = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(db_file, name)
    else:
        args, env = _pg_env()
        subprocess.run(["pg_restore", *args, "--no-owner", "--exit-on-error", "--dbname",
                        str(settings.DATABASES["default"]["NAME"]), str(db_file)], env=env, check=True)
    if (source / "media").is_dir():
        shutil.copytree(source / "media", media, dirs_exist_ok=True)
    restored = _tree_hashes(media)
    if restored != manifest["media"]:
        raise BackupError("the restored media differ from the manifest")
    return manifest
