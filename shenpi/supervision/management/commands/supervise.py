"""`shenpi supervise replay --since DATE`: run every anomaly rule over the case events since
DATE (what a new rule finds in history; nothing is found twice). `shenpi supervise rules` lists
the rules. `shenpi supervise system CODE NAME --department ID` registers a department's own
system for the exchange and prints its token, once; `--revoke` stops a system's token."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from shenpi.org.models import Department
from shenpi.supervision.exchange import add_system
from shenpi.supervision.models import ExchangeSystem
from shenpi.supervision.rules import RULES, replay


class Command(BaseCommand):
    help = "Anomaly rules (replay --since YYYY-MM-DD, rules) and exchange systems (system CODE NAME --department ID)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["replay", "rules", "system"])
        parser.add_argument("args", nargs="*", help="for system: CODE NAME")
        parser.add_argument("--since", help="YYYY-MM-DD")
        parser.add_argument("--department", type=int, help="the system's department (id)")
        parser.add_argument("--revoke", action="store_true", help="stop the system's token")

    def handle(self, *args, what, since, department, revoke, **options):
        if what == "rules":
            for r in RULES.values():
                self.stdout.write(f"{r.code:<24} {r.category:<11} {r.severity:<8} {r.description}")
            return
        if what == "system":
            return self.system(args, department, revoke)
        try:
            day = datetime.date.fromisoformat(since or "")
        except ValueError:
            raise CommandError("--since takes a date: YYYY-MM-DD", returncode=2) from None
        result = replay(day)
        self.stdout.write(f"replay since {day}: {result.done} events with new findings, {len(result.failed)} failed")

    def system(self, args, department, revoke):
        if revoke:
            if len(args) != 1 or not ExchangeSystem.objects.filter(code=args[0]).update(active=False):
                raise CommandError("supervise system CODE --revoke: no such system", returncode=2)
            self.stdout.write(f"{args[0]}: token revoked")
            return
        if len(args) != 2 or department is None:
            raise CommandError("supervise system CODE NAME --department ID", returncode=2)
        dept = Department.objects.filter(pk=department).first()
        if dept is None:
            raise CommandError(f"no department {department}", returncode=2)
        if ExchangeSystem.objects.filter(code=args[0]).exists():
            raise CommandError(f"a system {args[0]} exists already", returncode=2)
        system, token = add_system(code=args[0][:20], name=args[1][:100], department=dept)
        self.stdout.write(f"{system.code} ({dept.name}) token, shown this once:\n{token}")
