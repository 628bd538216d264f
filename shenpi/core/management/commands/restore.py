"""`shenpi restore PATH`: a backup made by `shenpi backup` into an empty database and media
directory, every hash checked before and after. Then run `shenpi audit verify`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shenpi.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup (shenpi backup) into an empty database and media directory."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            manifest = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored the backup of {manifest['created_at']}: the database and "
                          f"{len(manifest['media'])} files, every hash as in the manifest. "
                          "Check the audit record with: shenpi audit verify")
