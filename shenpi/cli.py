"""The `shenpi` command: Django's management commands with Shenpi's settings."""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenpi.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shenpi", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
