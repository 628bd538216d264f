"""`shenpi audit verify`: walk the hash chain; exit 0 when it holds, 1 naming the first bad entry."""

from django.core.management.base import BaseCommand, CommandError

from shenpi.audit.models import AuditEntry
from shenpi.audit.services import chain_problem


class Command(BaseCommand):
    help = "Verify the audit record's hash chain."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify"])

    def handle(self, *args, what, **options):
        problem = chain_problem()
        if problem:
            raise CommandError(f"audit chain broken at {problem}", returncode=1)
        self.stdout.write(f"audit chain holds: {AuditEntry.objects.count()} entries")
