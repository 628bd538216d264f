"""`shenpi serve`: Shenpi as it runs in production, in one command.

It collects the static files (hashed, compressed names served by WhiteNoise), then starts the
application under gunicorn and `shenpi worker` beside it, and stops both when it is stopped
(Ctrl-C or SIGTERM). If either stops on its own, the other is stopped too and the exit code
says so: a supervisor (systemd, a container runtime) restarts the whole.

Settings (flags override the environment):
  --bind     SHENPI_BIND          address:port (default 127.0.0.1:8000)
  --workers  SHENPI_WEB_WORKERS   gunicorn worker processes (default: 2 per core, at most 8)
  --timeout  SHENPI_WEB_TIMEOUT   seconds before a stuck request's worker is restarted (default 30)
  --max-requests SHENPI_WEB_MAX_REQUESTS
                                  requests a gunicorn worker serves before it is replaced, against
                                  slow leaks (default 50000, each worker its own +-10%; 0: never).
                                  A new worker costs about 0.65 s of a core (importing Shenpi and
                                  warming up); at 5000 that was about 2% of a 2-core machine at
                                  350 req/s.
  --no-worker                     do not start `shenpi worker` (the sweeps run elsewhere, e.g. Celery)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


def default_workers() -> int:
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


class Command(BaseCommand):
    help = "Serve Shenpi with gunicorn and run its worker beside it (production)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("SHENPI_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SHENPI_WEB_WORKERS", 0)) or None)
        parser.add_argument("--timeout", type=int, default=int(os.environ.get("SHENPI_WEB_TIMEOUT", "30")))
        parser.add_argument("--max-requests", type=int,
                            default=int(os.environ.get("SHENPI_WEB_MAX_REQUESTS", "50000")))
        parser.add_argument("--no-worker", action="store_true", help="Do not start `shenpi worker` beside it")

    def handle(self, *args, bind, workers, timeout, max_requests, no_worker, **options):
        # Collected under the settings the servers will run with (hashed names and a manifest).
        env = {**os.environ, "SHENPI_STATIC_MANIFEST": "1", "PYTHONUNBUFFERED": "1"}  # logs as they happen
        bin_dir = os.path.dirname(sys.executable)
        subprocess.run([os.path.join(bin_dir, "shenpi"), "collectstatic", "--noinput", "-v0"], env=env, check=True)
        web = [os.path.join(bin_dir, "gunicorn"), "shenpi.config.wsgi:application",
               "--bind", bind, "--workers", str(workers or default_workers()), "--timeout", str(timeout),
               "--graceful-timeout", "10", "--max-requests", str(max(0, max_requests)),
               "--max-requests-jitter", str(max(0, max_requests) // 10),
               "--access-logfile", "-", "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
               "--forwarded-allow-ips", "*" if settings.SHENPI_PROXY_COUNT else "127.0.0.1", "--no-control-socket"]
        children = {"web": subprocess.Popen(web, env=env)}
        if not no_worker:
            children["worker"] = subprocess.Popen([os.path.join(bin_dir, "shenpi"), "worker"], env=env)
        self.stdout.write(f"shenpi serve: gunicorn on http://{bind}/ ({workers or default_workers()} workers)"
                          + ("" if no_worker else " and shenpi worker") + "; Ctrl-C stops them")
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        code = 0
        while not stopping:
            ended = [name for name, p in children.items() if p.poll() is not None]
            if ended:
                code = children[ended[0]].returncode or 1
                self.stderr.write(f"shenpi serve: {ended[0]} stopped (exit {children[ended[0]].returncode}); "
                                  "stopping the rest")
                break
            time.sleep(0.5)
        for p in children.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in children.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        sys.exit(code)
