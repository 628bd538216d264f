import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from tests.cases.conftest import demo, on  # noqa: F401  (the demo centre and the time machine)


@pytest.fixture
def living(db, on, monkeypatch):  # noqa: F811
    """The demo centre with its cases, loaded with the clock stopped at 10:00 on Friday
    2026-11-27, so that after the first load in a process its rows are copied in (as the demo
    catalog's are: tests/demo_snapshot.py, wrapped for the session in tests/conftest.py); the
    test then runs from 11:00 that day."""
    with time_machine.travel(datetime(2026, 11, 27, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("demo-data", "--cases", stdout=io.StringIO())
    on(2026, 11, 27, 11)
