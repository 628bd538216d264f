"""Performance assessment of the departments (G4, 绩效考核), one rule set: the indicators, how
each is measured from the records that exist, how it is scored, and which scheme version
scores a period. The campaign's reports count once their due date has passed (or they are in);
an inspection counts from the day it is published, its score out of 100.

Each indicator is either a rate (higher is better: the share of the period's cases that meet
it, scored as that share of its weight) or a count held against the department (warning
cards, anomalies, upheld complaints, poor ratings: each costs `per` points out of 100 of the
indicator, never below 0). An indicator whose records do not exist for the department and
period (no case decided, no follow-up or campaign report due, no inspection published) has
no data: it is shown as such, never as zero, and left out of the total, which is the weighted score over the indicators with data,
out of 100.

A period is a month (2026-11), a quarter (2026-Q4) or a year (2026). It is scored under the
scheme version in force on its first day: the latest version whose `effective_from` is on or
before it, or the built-in first version. A centre administrator's change makes a new
version in force from the first day of the current month or a later one, so the scores of the
periods before it do not change."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shenpi.audit.services import record
from shenpi.cases.models import Case
from shenpi.catalog.codes import Category
from shenpi.core.exceptions import Refused
from shenpi.core.validation import require
from shenpi.feedback.models import Complaint, FollowUp, Rating
from shenpi.org.models import Department
from shenpi.org.roles import is_centre_admin
from shenpi.supervision.models import Card, Finding

from .models import Inspection, Phase, Report, Scheme

RATE, COUNT = "rate", "count"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Any
    kind: str  # RATE or COUNT
    built: bool = True  # False: the records it needs are not kept yet (no data)


INDICATORS = [
    Indicator("on_time", gettext_lazy("On-time completion"), RATE),  # 按时办结率
    Indicator("quick_share", gettext_lazy("Share of instant and one-review cases"), RATE),  # 即办件和一审一核件占比
    Indicator("compression", gettext_lazy("Limit compression"), RATE),  # 承诺时限压缩率
    Indicator("online_share", gettext_lazy("Online share"), RATE),  # 网上办理占比
    Indicator("cards", gettext_lazy("Warning cards"), COUNT),  # 预警
    Indicator("anomalies", gettext_lazy("Anomalies"), COUNT),  # 异常
    Indicator("complaints_upheld", gettext_lazy("Complaints upheld"), COUNT),  # 投诉属实
    Indicator("poor_ratings", gettext_lazy("Poor ratings"), COUNT),  # 差评
    Indicator("rectified", gettext_lazy("Poor ratings rectified on time"), RATE),  # 差评按期整改率
    Indicator("campaign_reports", gettext_lazy("Campaign reports on time"), RATE),  # 阶段报告按时率
    Indicator("inspection", gettext_lazy("Inspection score"), RATE),  # 检查验收得分
]
BY_CODE = {i.code: i for i in INDICATORS}
# What the drill-down's detail column holds, per indicator.
DETAIL = {"on_time": gettext_lazy("Promised by"), "quick_share": gettext_lazy("Category"),
          "compression": gettext_lazy("Promised / statutory limit"), "online_share": gettext_lazy("Channel"),
          "cards": gettext_lazy("Clock"), "anomalies": gettext_lazy("Detail"),
          "complaints_upheld": gettext_lazy("What happened"), "poor_ratings": gettext_lazy("Comment"),
          "rectified": gettext_lazy("Rectified on"), "campaign_reports": gettext_lazy("Due"),
          "inspection": gettext_lazy("Result")}

# The built-in first version: weights out of 100; `per` is what one occurrence costs.
DEFAULT = [{"code": "on_time", "weight": 25}, {"code": "quick_share", "weight": 10},
           {"code": "compression", "weight": 10}, {"code": "online_share", "weight": 10},
           {"code": "cards", "weight": 10, "per": 5}, {"code": "anomalies", "weight": 5, "per": 10},
           {"code": "complaints_upheld", "weight": 10, "per": 20}, {"code": "poor_ratings", "weight": 5, "per": 10},
           {"code": "rectified", "weight": 5}, {"code": "campaign_reports", "weight": 5}, {"code": "inspection", "weight": 5}]
UPHELD = (Complaint.Finding.SUBSTANTIATED, Complaint.Finding.PARTLY)
QUICK = (Category.INSTANT, Category.REVIEW_APPROVE)


# --- periods ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    key: str
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def kind(self) -> str:
        return "year" if len(self.key) == 4 else "quarter" if "Q" in self.key else "month"


def period(key: Any, *, today: datetime.date | None = None) -> Period | None:
    """2026-11, 2026-Q4 or 2026; None for anything else (or a year outside 2000-2100). Empty:
    the current month."""
    today = today or timezone.localdate()
    if key in (None, ""):
        key = f"{today:%Y-%m}"
    if not isinstance(key, str) or len(key) > 7:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})|-Q([1-4]))?", key.strip())
    if not m or not 2000 <= int(m[1]) <= 2100:
        return None
    year = int(m[1])
    if m[2]:
        month = int(m[2])
        if not 1 <= month <= 12:
            return None
        first, months = datetime.date(year, month, 1), 1
    elif m[3]:
        first, months = datetime.date(year, 3 * int(m[3]) - 2, 1), 3
    else:
        first, months = datetime.date(year, 1, 1), 12
    after = _add_months(first, months)
    return Period(key.strip(), first, after - datetime.timedelta(days=1))


def _add_months(day: datetime.date, n: int) -> datetime.date:
    y, m = divmod(day.month - 1 + n, 12)
    return datetime.date(day.year + y, m + 1, 1)


# --- schemes ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SchemeView:
    version: int
    effective_from: datetime.date | None
    indicators: list[dict]

    def weight(self, code: str) -> int:
        return next((int(i["weight"]) for i in self.indicators if i["code"] == code), 0)

    def per(self, code: str) -> int:
        return next((int(i.get("per") or 0) for i in self.indicators if i["code"] == code), 0)


def built_in() -> SchemeView:
    return SchemeView(1, None, DEFAULT)


def scheme_for(p: Period) -> SchemeView:
    found = Scheme.objects.filter(effective_from__lte=p.start).order_by("-effective_from", "-version").first()
    return SchemeView(found.version, found.effective_from, found.indicators) if found else built_in()


def schemes() -> list[SchemeView]:
    return [SchemeView(s.version, s.effective_from, s.indicators) for s in Scheme.objects.order_by("-version")] + [
        built_in()]


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) else None


@transaction.atomic
def new_scheme(*, actor: Any, weights: Any, per: Any = None, effective_from: Any = None, note: Any = "") -> Scheme:
    """A new version with these weights (every indicator's, adding up to 100) and points per
    occurrence, in force from the first day of a month not before the current one."""
    if not is_centre_admin(actor):
        raise Refused(_("Only a centre administrator changes the assessment scheme."))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    weights = weights if isinstance(weights, dict) else {}
    per = per if isinstance(per, dict) else {}
    current = scheme_for(Period("", today.replace(day=1), today))
    rows = []
    for ind in INDICATORS:
        w = _int(weights.get(ind.code, current.weight(ind.code)))
        if w is None or not 0 <= w <= 100:
            errors.setdefault("weights", []).append(_("%(name)s: a whole number from 0 to 100.") % {"name": ind.label})
            continue
        row: dict[str, Any] = {"code": ind.code, "weight": w}
        if ind.kind == COUNT:
            n = _int(per.get(ind.code, current.per(ind.code)))
            if n is None or not 1 <= n <= 100:
                errors.setdefault("per", []).append(
                    _("%(name)s: points per occurrence, from 1 to 100.") % {"name": ind.label})
                continue
            row["per"] = n
        rows.append(row)
    unknown = sorted(set(weights) - set(BY_CODE)) + sorted(set(per) - {i.code for i in INDICATORS if i.kind == COUNT})
    if unknown:
        errors.setdefault("weights", []).append(_("Not an indicator: %(codes)s.") % {"codes": ", ".join(map(str, unknown))})
    if "weights" not in errors and sum(r["weight"] for r in rows) != 100:
        errors["weights"] = [_("The weights add up to %(n)d, not 100.") % {"n": sum(r["weight"] for r in rows)}]
    start = today.replace(day=1)
    effective = start
    if effective_from not in (None, ""):
        p = period(effective_from if isinstance(effective_from, str) else "?", today=today)
        if p is None or p.kind != "month" or p.start < start:
            errors["effective_from"] = [_("A month from the current one on (YYYY-MM): past periods keep their scores.")]
        else:
            effective = p.start
    require(errors)
    version = max([1, *Scheme.objects.values_list("version", flat=True)]) + 1
    made = Scheme.objects.create(version=version, effective_from=effective, indicators=rows,
                                 note=note.strip()[:2000] if isinstance(note, str) else "", created_by=actor)
    record(actor=actor, action="assessment.scheme", obj=made,
           after={"version": version, "effective_from": effective.isoformat(), "indicators": rows})
    return made


# --- measuring --------------------------------------------------------------------------------

def _start_instant(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), timezone.get_current_timezone())


def _rates(qs: Any, numerator: Q) -> dict[int, tuple[int, int]]:
    return {r["department_id"]: (r["hit"], r["n"]) for r in qs.order_by().values("department_id").annotate(
        n=Count("id"), hit=Count("id", filter=numerator))}


def _counts(qs: Any, field: str = "department_id") -> dict[int, int]:
    return {r[field]: r["n"] for r in qs.order_by().values(field).annotate(n=Count("id"))}


def record_sets(p: Period) -> dict[str, Any]:
    """The querysets behind each indicator for the period (the drill-down lists the same rows)."""
    until = _start_instant(p.end + datetime.timedelta(days=1))
    since = _start_instant(p.start)
    poor = Rating.objects.filter(level__in=Rating.POOR, excluded=False, given_at__gte=since, given_at__lt=until)
    return {
        "on_time": Case.objects.filter(decided_on__gte=p.start, decided_on__lte=p.end),
        "received": Case.objects.filter(received_on__gte=p.start, received_on__lte=p.end),
        "cards": Card.objects.filter(on__gte=p.start, on__lte=p.end, withdrawn=False),
        "anomalies": Finding.objects.filter(found_at__gte=since, found_at__lt=until),
        "complaints_upheld": Complaint.objects.filter(replied_at__gte=since, replied_at__lt=until, finding__in=UPHELD),
        "poor_ratings": poor,
        "rectified": FollowUp.objects.filter(rectify_due__gte=p.start, rectify_due__lte=p.end),
        "inspection": Inspection.objects.filter(published_on__gte=p.start, published_on__lte=p.end,
                                                total__isnull=False),
    }


def report_pairs(p: Period, department: int | None = None) -> list[tuple[Any, int, Any]]:
    """(phase, unit, report or None) for every report due in the period that counts: its due
    date has passed, or it is in."""
    today = timezone.localdate()
    phases = list(Phase.objects.filter(report_due__gte=p.start, report_due__lte=p.end).exclude(report_name="")
                  .select_related("campaign").prefetch_related("campaign__units"))
    reports = {(r.phase_id, r.department_id): r for r in Report.objects.filter(phase__in=phases)}
    out = []
    for phase in phases:
        for unit in phase.campaign.units.all():
            if department is not None and unit.pk != department:
                continue
            report = reports.get((phase.pk, unit.pk))
            if report is not None or (phase.report_due is not None and phase.report_due < today):
                out.append((phase, unit.pk, report))
    return out


def _reports(p: Period) -> dict[int, tuple[int, int]]:
    out: dict[int, tuple[int, int]] = {}
    for phase, unit, report in report_pairs(p):
        hit, n = out.get(unit, (0, 0))
        on_time = report is not None and phase.report_due is not None and report.submitted_on <= phase.report_due
        out[unit] = (hit + int(on_time), n + 1)
    return out


def _inspections(qs: Any) -> dict[int, tuple[int, int]]:
    return {r["department_id"]: (r["points"], 100 * r["n"]) for r in qs.order_by().values("department_id").annotate(
        points=Sum("total"), n=Count("id"))}


ON_TIME = Q(promised_due__isnull=True) | Q(decided_on__lte=F("promised_due"))


def measure(p: Period) -> dict[str, dict[int, Any]]:
    """Per indicator, per department: (hits, of) for rates, a count for counts."""
    sets = record_sets(p)
    received = sets["received"]
    compression = {r["department_id"]: (r["statutory"] - r["promised"], r["statutory"]) for r in received.filter(
        statutory_limit__gt=0).order_by().values("department_id").annotate(
        statutory=Sum("statutory_limit"), promised=Sum("promised_limit"))}
    rectified: dict[int, tuple[int, int]] = {}
    for f in sets["rectified"].values("department_id", "rectify_due", "rectified_at"):
        hit, n = rectified.get(f["department_id"], (0, 0))
        done = f["rectified_at"] is not None and timezone.localdate(f["rectified_at"]) <= f["rectify_due"]
        rectified[f["department_id"]] = (hit + int(done), n + 1)
    return {
        "campaign_reports": _reports(p),
        "inspection": _inspections(sets["inspection"]),
        "on_time": _rates(sets["on_time"], ON_TIME),
        "quick_share": _rates(received, Q(version__category__in=QUICK)),
        "compression": compression,
        "online_share": _rates(received, Q(channel=Case.Channel.ONLINE)),
        "cards": _counts(sets["cards"]),
        "anomalies": _counts(sets["anomalies"]),
        "complaints_upheld": _counts(sets["complaints_upheld"], "against_department_id"),
        "poor_ratings": _counts(sets["poor_ratings"]),
        "rectified": rectified,
    }


def _score(ind: Indicator, scheme: SchemeView, raw: Any, active: bool) -> dict[str, Any]:
    """The figure shown and its score; `data` False when there is nothing to score."""
    weight = scheme.weight(ind.code)
    if not ind.built:
        return {"data": False, "value": None, "score": None, "weight": weight}
    if ind.kind == RATE:
        hit, n = raw if raw else (0, 0)
        if not n:
            return {"data": False, "value": None, "score": None, "weight": weight}
        share = hit / n
        return {"data": True, "value": round(100 * share, 1), "hits": hit, "of": n,
                "score": round(weight * share, 2), "weight": weight}
    count = raw or 0
    if not active:  # a department with no case in the period: a count of 0 says nothing
        return {"data": False, "value": None, "score": None, "weight": weight}
    share = max(0.0, 1 - scheme.per(ind.code) * count / 100)
    return {"data": True, "value": count, "score": round(weight * share, 2), "weight": weight}


def assess(p: Period, *, departments: Any = None) -> dict[str, Any]:
    """Every department's figures, scores, total and rank for the period."""
    scheme = scheme_for(p)
    raw = measure(p)
    rows: list[dict[str, Any]] = []
    for dept in (departments if departments is not None else Department.objects.order_by("pk")):
        active = dept.pk in raw["on_time"] or dept.pk in raw["quick_share"]
        figures = {ind.code: _score(ind, scheme, raw.get(ind.code, {}).get(dept.pk), active) for ind in INDICATORS}
        scored = [f for f in figures.values() if f["data"]]
        weight = sum(f["weight"] for f in scored)
        total = round(100 * sum(f["score"] for f in scored) / weight, 1) if weight else None
        rows.append({"id": dept.pk, "name": dept.short_name or dept.name, "figures": figures, "total": total})
    ranked = sorted((r for r in rows if r["total"] is not None), key=lambda r: (-r["total"], r["id"]))
    for n, r in enumerate(ranked, 1):
        r["rank"] = n
    for r in rows:
        r.setdefault("rank", None)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["id"]))
    return {"period": p, "scheme": scheme, "indicators": INDICATORS, "departments": rows}


RECORDS_SHOWN = 500  # the drill-down lists the newest this many; the figure counts them all


def records(p: Period, department: int, code: str, *, limit: int = RECORDS_SHOWN) -> list[dict[str, Any]]:
    """The records behind one department's figure, each with whether it meets the indicator
    (rates) and the case or complaint it opens: the figure's drill-down."""
    sets = record_sets(p)
    out: list[dict[str, Any]] = []
    if code in ("on_time", "quick_share", "online_share", "compression"):
        qs = (sets["on_time"] if code == "on_time" else sets["received"]).filter(department_id=department)
        if code == "compression":
            qs = qs.filter(statutory_limit__gt=0)
        for c in qs.select_related("version").order_by("-decided_on" if code == "on_time" else "-received_on", "-pk")[:limit]:
            if code == "on_time":
                meets, detail = c.promised_due is None or c.decided_on <= c.promised_due, c.promised_due
            elif code == "quick_share":
                meets, detail = c.version.category in QUICK, c.version.get_category_display()
            elif code == "online_share":
                meets, detail = c.channel == Case.Channel.ONLINE, c.get_channel_display()
            else:
                meets, detail = None, f"{c.promised_limit} / {c.statutory_limit}"
            out.append({"case": c.number, "complaint": "", "date": c.decided_on if code == "on_time" else c.received_on,
                        "what": c.version.name, "detail": detail, "meets": meets})
    elif code == "cards":
        for card in sets["cards"].filter(department_id=department).select_related("case").order_by("-on", "-pk")[:limit]:
            out.append({"case": card.case.number, "complaint": "", "date": card.on, "what": card.get_level_display(),
                        "detail": card.get_clock_display(), "meets": None})
    elif code == "anomalies":
        for f in sets["anomalies"].filter(department_id=department).select_related("case").order_by("-found_at")[:limit]:
            out.append({"case": f.case.number, "complaint": "", "date": timezone.localdate(f.found_at),
                        "what": f.get_category_display(), "detail": f.detail, "meets": None})
    elif code == "complaints_upheld":
        for c in sets["complaints_upheld"].filter(against_department_id=department).order_by("-replied_at")[:limit]:
            out.append({"case": "", "complaint": c.number, "date": timezone.localdate(c.replied_at),
                        "what": c.get_finding_display(), "detail": c.content[:80], "meets": None})
    elif code == "poor_ratings":
        for r in sets["poor_ratings"].filter(department_id=department).select_related("case").order_by("-given_at")[:limit]:
            out.append({"case": r.case.number, "complaint": "", "date": timezone.localdate(r.given_at),
                        "what": r.get_level_display(), "detail": r.text[:80], "meets": None})
    elif code == "campaign_reports":
        for phase, _unit, report in report_pairs(p, department):
            out.append({"case": "", "complaint": "", "date": report.submitted_on if report else None,
                        "what": f"{phase.campaign.name} · {phase.report_name}", "detail": phase.report_due,
                        "meets": report is not None and report.submitted_on <= (phase.report_due or report.submitted_on)})
    elif code == "inspection":
        for i in sets["inspection"].filter(department_id=department).order_by("-published_on"):
            out.append({"case": "", "complaint": "", "date": i.published_on,
                        "what": f"{i.total} / 100", "detail": i.get_result_display(), "meets": None})
    elif code == "rectified":
        for f in sets["rectified"].filter(department_id=department).select_related("rating__case").order_by("-rectify_due"):
            done = f.rectified_at is not None and timezone.localdate(f.rectified_at) <= f.rectify_due
            out.append({"case": f.rating.case.number, "complaint": "", "date": f.rectify_due,
                        "what": _("Rectified on time") if done else _("Not rectified on time"),
                        "detail": timezone.localdate(f.rectified_at) if f.rectified_at else "",
                        "meets": done})
    return out
