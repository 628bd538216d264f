"""`shenpi backup PATH`: the database and the uploaded files, with a manifest of hashes
(core/backup.py). Safe while Shenpi serves."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shenpi.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new directory PATH."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup written to {path}: {manifest['database']['file']} and "
                          f"{len(manifest['media'])} files, hashes in manifest.json")
