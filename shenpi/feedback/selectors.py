"""Reads for feedback: the follow-up work of a department, the complaints a person handles, and
the figures (F2 item 4): ratings by department, window and person; poor ratings rectified on
time; complaints replied to on time. A rating whose appeal was upheld is in no figure."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Complaint, FollowUp, Rating, RatingAppeal

FOLLOW_UP_WORDS = {
    "call_back": _("Call back"), "call_back_late": _("Call-back overdue"), "rectify": _("Rectify"),
    "rectify_late": _("Rectification overdue"), "second": _("Awaiting the second rating"), "closed": _("Closed"),
}


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def follow_up_state(f: FollowUp, on: datetime.date) -> str:
    if f.second_level:
        return "closed"
    if f.rectified_at:
        return "second"
    if not f.called_back_at:
        return "call_back_late" if on > f.call_back_due else "call_back"
    return "rectify_late" if on > f.rectify_due else "rectify"


def with_states(rows: Any, on: datetime.date) -> list[FollowUp]:
    out = list(rows)
    for f in out:
        f.state = follow_up_state(f, on)
        f.state_word = FOLLOW_UP_WORDS[f.state]
        f.late = f.state.endswith("_late")
    return out


def follow_ups_for(user: Any) -> QuerySet[FollowUp]:
    """The follow-ups the user works (their department's, as its head or chief representative)
    or watches (supervisors)."""
    qs = FollowUp.objects.select_related("rating__case__version", "rating__window", "rating__person__staff",
                                         "department", "rating__appeal")
    if access.is_supervisor(user):
        return qs
    department = access.department_of(user)
    if department and access.answers_for(user, department):
        return qs.filter(department_id=department)
    return qs.none()


def open_follow_ups(user: Any, limit: int = 50) -> list[FollowUp]:
    """The most urgent open follow-ups the user works, at most ``limit`` of them."""
    on = timezone.localdate()
    # Only the rows' joins (the case and its item, the person rated): each table more in one
    # statement costs PostgreSQL milliseconds of planning on every request (8.6 -> 2.1 ms).
    rows = (follow_ups_for(user).select_related(None).select_related("rating__case__version", "rating__person__staff")
            .filter(second_level__isnull=True).order_by("call_back_due", "pk")[:limit])
    return with_states(rows, on)


def follow_up_counts(user: Any, on: datetime.date) -> dict:
    """How many follow-ups the user works are open, and how many of those are past a limit
    (the same lines as follow_up_state), counted in the database."""
    late = (Q(called_back_at__isnull=True, call_back_due__lt=on)
            | Q(called_back_at__isnull=False, rectified_at__isnull=True, rectify_due__lt=on))
    return follow_ups_for(user).filter(second_level__isnull=True).aggregate(
        open=Count("pk"), late=Count("pk", filter=late))


def pending_appeals() -> QuerySet[RatingAppeal]:
    return RatingAppeal.objects.filter(status=RatingAppeal.Status.PENDING).select_related(
        "rating__case", "rating__department", "filed_by__staff")


COMPLAINT_WORDS = {"accept_late": _("Acceptance overdue"), "reply_late": _("Reply overdue")}


def complaint_late(c: Complaint, on: datetime.date) -> str:
    if c.status == Complaint.Status.RECEIVED and on > c.accept_due:
        return "accept_late"
    if c.status == Complaint.Status.INVESTIGATING and c.reply_due and on > c.reply_due:
        return "reply_late"
    return ""


def complaints_with_lateness(rows: Any, on: datetime.date) -> list[Complaint]:
    out = list(rows)
    for c in out:
        c.late = complaint_late(c, on)
        c.late_word = COMPLAINT_WORDS.get(c.late, "")
    return out


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rating_rows(qs: QuerySet[Rating], *key: str) -> list[dict]:
    rows = list(qs.values(*key).annotate(total=Count("pk"), poor=Count("pk", filter=Q(level__in=Rating.POOR)))
                .order_by(*key))
    for r in rows:
        r["satisfied"] = r["total"] - r["poor"]
        r["rate"] = _percent(r["satisfied"], r["total"])
    return rows


def figures(user: Any, *, on: datetime.date | None = None) -> dict:
    """Every figure the user may see: all departments for watchers and supervisors, their own
    department's rows for department staff."""
    on = on or timezone.localdate()
    department = None if access.is_supervisor(user) or access.is_watcher(user) else access.department_of(user)
    ratings = Rating.objects.filter(excluded=False)
    follow_ups = FollowUp.objects.filter(rating__excluded=False)
    complaints = Complaint.objects.all()
    if department is not None:
        ratings = ratings.filter(department_id=department)
        follow_ups = follow_ups.filter(department_id=department)
        complaints = complaints.filter(handling_department_id=department)
    by_department = _rating_rows(ratings, "department_id", "department__name")
    by_window = _rating_rows(ratings.filter(window__isnull=False), "window_id", "window__number", "window__name")
    by_person = _rating_rows(ratings.filter(person__isnull=False), "person_id", "person__staff__name",
                             "department__name")
    total = sum(r["total"] for r in by_department)
    poor = sum(r["poor"] for r in by_department)

    f: dict[str, Any] = {"total": 0, "rectified": 0, "on_time": 0, "late": 0, "open": 0, "overdue": 0, "called_on_time": 0,
         "second_satisfied": 0, "second": 0}
    for due, done, call_due, called, second in follow_ups.values_list("rectify_due", "rectified_at", "call_back_due",
                                                                      "called_back_at", "second_level"):
        f["total"] += 1
        done_on, called_on = _day(done), _day(called)
        if done_on:
            f["rectified"] += 1
            f["on_time" if done_on <= due else "late"] += 1
        else:
            f["open"] += 1
            f["overdue"] += on > due
        f["called_on_time"] += bool(called_on and called_on <= call_due)
        if second:
            f["second"] += 1
            f["second_satisfied"] += second not in Rating.POOR
    f["rate"] = _percent(f["on_time"], f["rectified"] + f["overdue"])

    c: dict[str, Any] = {"total": 0, "received": 0, "not_accepted": 0, "investigating": 0, "replied": 0, "on_time": 0, "late": 0,
         "overdue": 0, "accepted_late": 0, "extended": 0, "rated": 0, "rated_satisfied": 0}
    per_department: dict[str, dict] = {}
    for status, reply_due, replied, accept_due, accepted, extended, level, name in complaints.values_list(
            "status", "reply_due", "replied_at", "accept_due", "accepted_at", "extended_days", "handling_level",
            "handling_department__name"):
        c["total"] += 1
        c[status] += 1
        row = per_department.setdefault(name or "", {"name": name, "total": 0, "replied": 0, "on_time": 0,
                                                      "overdue": 0})
        row["total"] += 1
        replied_on, accepted_on = _day(replied), _day(accepted)
        if replied_on and reply_due:
            late = replied_on > reply_due
            c["late" if late else "on_time"] += 1
            row["replied"] += 1
            row["on_time"] += not late
        elif status == Complaint.Status.INVESTIGATING and reply_due and on > reply_due:
            c["overdue"] += 1
            row["overdue"] += 1
        c["accepted_late"] += bool((accepted_on and accepted_on > accept_due)
                                   or (status == Complaint.Status.RECEIVED and on > accept_due))
        c["extended"] += bool(extended)
        if level:
            c["rated"] += 1
            c["rated_satisfied"] += level not in Rating.POOR
    c["rate"] = _percent(c["on_time"], c["replied"] + c["overdue"])
    return {"on": on, "department": department,
            "ratings": {"total": total, "poor": poor, "rate": _percent(total - poor, total),
                        "excluded": Rating.objects.filter(excluded=True, **(
                            {"department_id": department} if department else {})).count(),
                        "by_department": by_department, "by_window": by_window, "by_person": by_person},
            "follow_ups": f, "complaints": {**c, "by_department": sorted(per_department.values(),
                                                                          key=lambda r: r["name"] or "")}}
