"""`shenpi media check [--fix]`: uploaded files and their rows agree.

Reports files under MEDIA_ROOT that no row names (what a server killed between writing a file
and committing its row leaves behind), rows whose file is missing, and rows whose file's
SHA-256 differs from the one recorded. `--fix` removes the files no row names that are older
than `--older-than` minutes (default 60, so a transaction still in progress keeps its file);
missing and changed files can only be reported: restore them from a backup. Exits 1 while
any problem remains."""

from __future__ import annotations

import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from shenpi.core.backup import sha256_of


def file_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield model, field


def check(*, fix: bool = False, older_than_minutes: float = 60) -> dict:
    root = Path(settings.MEDIA_ROOT)
    named: set[str] = set()
    missing, changed = [], []
    for model, field in file_fields():
        has_hash = any(f.name == "sha256" for f in model._meta.get_fields())
        rows = model._meta.default_manager.exclude(**{field.name: ""}).exclude(**{f"{field.name}__isnull": True})
        for pk, name, *digest in rows.values_list("pk", field.name, *(["sha256"] if has_hash else [])).iterator():
            named.add(name)
            path = root / name
            if not path.is_file():
                missing.append(f"{model._meta.label} {pk}: {name}")
            elif has_hash and digest and digest[0] and sha256_of(path) != digest[0]:
                changed.append(f"{model._meta.label} {pk}: {name}")
    orphans, removed = [], []
    cutoff = time.time() - older_than_minutes * 60
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            if name in named:
                continue
            if fix and path.stat().st_mtime <= cutoff:
                path.unlink()
                removed.append(name)
            else:
                orphans.append(name)
    return {"orphans": orphans, "removed": removed, "missing": missing, "changed": changed}


class Command(BaseCommand):
    help = "Check that uploaded files and their rows agree (media check [--fix])."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check"])
        parser.add_argument("--fix", action="store_true", help="Remove files no row names")
        parser.add_argument("--older-than", type=float, default=60.0, metavar="MINUTES",
                            help="Only remove files at least this old (default 60)")

    def handle(self, *args, action, fix, older_than, **options):
        result = check(fix=fix, older_than_minutes=older_than)
        for kind, label in (("removed", "removed (no row)"), ("orphans", "no row"), ("missing", "file missing"),
                            ("changed", "SHA-256 differs")):
            for entry in result[kind]:
                self.stdout.write(f"{label}: {entry}")
        self.stdout.write(f"media check: {len(result['orphans'])} without a row, {len(result['removed'])} removed, "
                          f"{len(result['missing'])} missing, {len(result['changed'])} changed")
        if result["orphans"] or result["missing"] or result["changed"]:
            raise CommandError("media and rows disagree", returncode=1)
