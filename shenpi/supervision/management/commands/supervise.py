"""`shenpi supervise replay --since DATE`: run every anomaly rule over the case events since
DATE (what a new rule finds in history; nothing is found twice)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from shenpi.supervision.rules import RULES, replay


class Command(BaseCommand):
    help = "Run the anomaly rules over case history (replay --since YYYY-MM-DD)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["replay", "rules"])
        parser.add_argument("--since", help="YYYY-MM-DD")

    def handle(self, *args, what, since, **options):
        if what == "rules":
            for r in RULES.values():
                self.stdout.write(f"{r.code:<24} {r.category:<11} {r.severity:<8} {r.description}")
            return
        try:
            day = datetime.date.fromisoformat(since or "")
        except ValueError:
            raise CommandError("--since takes a date: YYYY-MM-DD", returncode=2) from None
        result = replay(day)
        self.stdout.write(f"replay since {day}: {result.done} events with new findings, {len(result.failed)} failed")
