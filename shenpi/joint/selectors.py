"""The joint acceptance's figures (D5): how many joint acceptances were decided within their
promised 5 working days, the average working days from acceptance to decision, and each
department's share of the working days by which parts were late."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from shenpi.cases.models import Case, StepTask
from shenpi.workdays.selectors import current_calendar

from .models import Inspection


def figures() -> dict[str, Any]:
    cal = current_calendar()
    decided: list[tuple[int, Any, Any, Any]] = list(Case.objects.filter(Exists(Inspection.objects.filter(case=OuterRef("pk"))),
                                       decided_on__isnull=False, accepted_on__isnull=False)
                   .values_list("pk", "accepted_on", "decided_on", "promised_due"))
    on_time = len([1 for _pk, _a, d, p in decided if p is None or d <= p])
    days = [cal.workdays_between(a, d) for _pk, a, d, _p in decided]
    inspected = Case.objects.filter(Exists(Inspection.objects.filter(case=OuterRef("pk"))))
    steps = (StepTask.objects.filter(case__in=inspected, status=StepTask.Status.DONE, completed_at__isnull=False)
             .select_related("department"))
    per_stage: dict[tuple[int, int], set] = {}
    rows = list(steps)
    for s in rows:
        per_stage.setdefault((s.case_id, s.stage_order), set()).add(s.department_id)
    late: dict[int, dict[str, Any]] = {}
    for s in rows:
        if len(per_stage[(s.case_id, s.stage_order)]) < 2:
            continue  # not a joint part
        assert s.completed_at is not None
        over = max(cal.workdays_between(s.due_on, timezone.localtime(s.completed_at).date()), 0)
        d = late.setdefault(s.department_id, {"department": s.department, "parts": 0, "late_parts": 0, "late_days": 0})
        d["parts"] += 1
        d["late_parts"] += bool(over)
        d["late_days"] += over
    total = sum(d["late_days"] for d in late.values())
    for d in late.values():
        d["share"] = round(100 * d["late_days"] / total, 1) if total else 0.0
    return {"decided": len(decided), "on_time": on_time,
            "on_time_rate": round(100 * on_time / len(decided), 1) if decided else None,
            "average_days": round(sum(days) / len(days), 1) if days else None,
            "departments": sorted(late.values(), key=lambda d: (-d["late_days"], d["department"].pk)),
            "late_days": total}
