"""What the public sees of the cases (H1, §六 公开): the results of completed cases (办结公示) with
the applicant masked, and live statistics of the centre's work. Only the items whose results
are set to be published (catalog.Item.publish_results) are listed; the figures count every case
but name no one. Nothing here reads a case's applicant ID, phone or account."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shenpi.org.models import Department

from .identity import mask_name
from .models import Case

PAGE = 20
MAX_PAGES = 50  # the last thousand results; older ones by case lookup
RESULT_COLUMNS = ("id", "number", "applicant_type", "applicant_name", "received_on", "decided_on", "decision",
                  "department__short_name", "department__name", "version__name")


def results(*, page: int = 1, department: int | None = None) -> dict[str, Any]:
    """One page of completed cases, newest decision first, and whether there is another."""
    page = min(max(page, 1), MAX_PAGES)
    qs = Case.objects.filter(decided_on__isnull=False, decision__in=Case.Decision.values, item__publish_results=True)
    if department:
        qs = qs.filter(department_id=department)
    rows = list(qs.order_by("-decided_on", "-id").values(*RESULT_COLUMNS)[(page - 1) * PAGE: page * PAGE + 1])
    labels = {Case.Decision.APPROVE: _("Approved"), Case.Decision.DENY: _("Not approved")}
    out = [{"number": r["number"], "item": r["version__name"],
            "department": r["department__short_name"] or r["department__name"],
            "applicant": mask_name(r["applicant_name"], r["applicant_type"]),
            "received_on": r["received_on"], "decided_on": r["decided_on"],
            "result": r["decision"], "result_label": labels.get(r["decision"], "")} for r in rows[:PAGE]]
    return {"rows": out, "page": page, "has_next": len(rows) > PAGE and page < MAX_PAGES, "has_previous": page > 1}


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def statistics(*, on: datetime.date | None = None) -> dict[str, Any]:
    """This year's received and completed cases, their on-time rate (within the promised limit),
    by department and by month; kept five minutes (the figures move with every decision)."""
    on = on or timezone.localdate()
    key = f"shenpi:public-statistics:{on.isoformat()}:{get_language()}"
    found = cache.get(key)
    if found is not None:
        return found
    start = datetime.date(on.year, 1, 1)
    received = dict(Case.objects.filter(received_on__gte=start, received_on__lte=on).order_by()
                    .values_list("department_id").annotate(n=Count("*")).values_list("department_id", "n"))
    on_time_q = Q(promised_due__isnull=True) | Q(decided_on__lte=F("promised_due"))
    decided: dict[int, dict[str, Any]] = {r["department_id"]: dict(r) for r in Case.objects.filter(decided_on__gte=start, decided_on__lte=on).order_by()
               .values("department_id").annotate(n=Count("*"), on_time=Count("id", filter=on_time_q))}
    names = {d.pk: d.short_name or d.name for d in Department.objects.filter(pk__in=set(received) | set(decided))}
    departments = sorted(({"name": names.get(pk, ""), "received": received.get(pk, 0),
                           "completed": decided.get(pk, {}).get("n", 0),
                           "on_time_rate": _rate(decided.get(pk, {}).get("on_time", 0), decided.get(pk, {}).get("n", 0))}
                          for pk in names), key=lambda r: (-r["received"], r["name"]))
    by_month_in = dict(Case.objects.filter(received_on__gte=start, received_on__lte=on).order_by()
                       .annotate(m=TruncMonth("received_on")).values_list("m").annotate(n=Count("*")).values_list("m", "n"))
    by_month_out = dict(Case.objects.filter(decided_on__gte=start, decided_on__lte=on).order_by()
                        .annotate(m=TruncMonth("decided_on")).values_list("m").annotate(n=Count("*")).values_list("m", "n"))
    months: list[dict[str, Any]] = []
    for m in range(1, on.month + 1):
        first = datetime.date(on.year, m, 1)
        months.append({"month": first, "received": _count_for(by_month_in, first),
                       "completed": _count_for(by_month_out, first)})
    top = max([1] + [max(x["received"], x["completed"]) for x in months])
    for x in months:
        x["received_pct"] = round(100 * x["received"] / top)
        x["completed_pct"] = round(100 * x["completed"] / top)
    total_decided = sum(r["n"] for r in decided.values())
    found = {"on": on, "year": on.year, "received": sum(received.values()), "completed": total_decided,
             "on_time_rate": _rate(sum(r["on_time"] for r in decided.values()), total_decided),
             "departments": departments, "months": months}
    cache.set(key, found, 300)
    return found


def _count_for(counts: dict, first: datetime.date) -> int:
    """TruncMonth gives a date on PostgreSQL and SQLite alike for a date field; match either."""
    for k, n in counts.items():
        if k is not None and (k.year, k.month) == (first.year, first.month):
            return n
    return 0
