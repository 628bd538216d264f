"""`shenpi worker`: runs the periodic sweeps in a loop (the embedded default, no broker needed)."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from shenpi.core.periodic import registered


class Command(BaseCommand):
    help = "Run Shenpi's periodic work (deemed acceptance, …) every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument("--once", action="store_true", help="Run every sweep once and exit")

    def handle(self, *args, interval, once, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        tasks = registered()
        self.stdout.write(f"shenpi worker: {len(tasks)} periodic task(s) every {interval:g}s")
        while not stop.is_set():
            for task in tasks:
                try:
                    result = task.run()
                except Exception as exc:  # one failing sweep must not stop the others
                    self.stderr.write(f"{task.name}: {exc!r}")
                    continue
                if result.done:
                    self.stdout.write(f"{task.name}: {result.done}")
                if result.failed:  # each failing record is named; the sweep went on past it
                    self.stderr.write(f"{task.name}: {len(result.failed)} failed: "
                                      + "; ".join(f"{name} ({error})" for name, error in result.failed))
            if once:
                break
            close_old_connections()  # like a request's end: drop a connection that went bad or old
            stop.wait(interval)  # a stop signal ends the wait at once
