"""Benchmark: Shenpi's working-day arithmetic against chinese_calendar's walk.

Both answer the same inputs; the figures are operations per second and their ratio.
Run: .venv/bin/python bench/workdays.py   (writes bench/results/workdays.txt)
"""

import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from shenpi.workdays.calendar import WorkCalendar  # noqa: E402
from shenpi.workdays.source import days, known_range  # noqa: E402

N_INPUTS = 2_000


def rate(fn, inputs, min_seconds=1.0):
    """Operations per second over repeated passes of the inputs, best of three."""
    best = 0.0
    for _ in range(3):
        count, start = 0, time.perf_counter()
        while True:
            for args in inputs:
                fn(*args)
            count += len(inputs)
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = max(best, count / elapsed)
    return best


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os
    return f"{platform.node()} · {cpu} · {os.cpu_count()} cores · Python {platform.python_version()}"


def main():
    first, last = known_range()
    cal = WorkCalendar(days())
    rng = random.Random(20261125)
    lo, hi = first.toordinal(), (last - timedelta(days=120)).toordinal()
    starts = [date.fromordinal(rng.randint(lo, hi)) for _ in range(N_INPUTS)]
    # Start from working days, where find_workday(n, d) means the same as add_workdays(d, n).
    starts = [cal.workday_on_or_after(d) for d in starts]
    add_inputs = [(d, 20) for d in starts]
    spans = [(d, d + timedelta(days=rng.randint(20, 60))) for d in starts]

    for d, n in add_inputs:  # same answers first
        assert cal.add_workdays(d, n) == chinese_calendar.find_workday(n, d)
    for a, b in spans:
        assert cal.workdays_between(a, b) == len(chinese_calendar.get_workdays(a + timedelta(days=1), b))

    results = {
        "add_workdays(d, 20)": rate(cal.add_workdays, add_inputs),
        "find_workday(20, d)": rate(lambda d, n: chinese_calendar.find_workday(n, d), add_inputs),
        "workdays_between(a, b)": rate(cal.workdays_between, spans),
        "len(get_workdays(a+1, b))": rate(lambda a, b: len(chinese_calendar.get_workdays(a + timedelta(days=1), b)), spans),
    }
    add_ratio = results["add_workdays(d, 20)"] / results["find_workday(20, d)"]
    between_ratio = results["workdays_between(a, b)"] / results["len(get_workdays(a+1, b))"]
    lines = [
        f"# bench/workdays.py — {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        f"# machine: {machine()}",
        f"# chinesecalendar {getattr(chinese_calendar, '__version__', '?')}; {N_INPUTS} random inputs over "
        f"{first.year}–{last.year}; spans of 20–60 days; answers checked identical first",
        *(f"{name:<28} {ops:>14,.0f} ops/s" for name, ops in results.items()),
        f"add ratio (add_workdays / find_workday, n = 20): {add_ratio:,.0f}x",
        f"between ratio (workdays_between / get_workdays): {between_ratio:,.0f}x",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    out = Path(__file__).resolve().parent / "results" / "workdays.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    return 0 if add_ratio >= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
