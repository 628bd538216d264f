"""Performance assessment (issue 17, G4): the demo centre's month computed by hand here, from its
cases and records, equals the system's figures for every indicator and the total; a change of
weights makes a new scheme version from the current month on and leaves the earlier periods'
scores as they were; bad schemes are refused by field and change nothing; who sees what."""

import datetime

import pytest
from django.utils import timezone

from shenpi.campaign.assessment import DEFAULT, period
from shenpi.campaign.models import Campaign, Inspection, Phase, Report, Scheme
from shenpi.cases.models import Case
from shenpi.feedback.models import Complaint, FollowUp, Rating
from shenpi.org.models import Department
from shenpi.supervision.models import Card, Finding
from tests.cases.conftest import user
from tests.conftest import api

pytestmark = pytest.mark.django_db
WEIGHT = {i["code"]: i["weight"] for i in DEFAULT}
PER = {i["code"]: i.get("per", 0) for i in DEFAULT}




def by_hand(start, end, weight=WEIGHT, per=PER):
    """Each department's figures, read row by row from the records, and scored by the rules as
    the scheme states them."""
    def inside(day):
        return day is not None and start <= day <= end

    def local(moment):
        return timezone.localdate(moment) if moment else None
    cases = list(Case.objects.select_related("version"))
    cards = [c for c in Card.objects.all() if not c.withdrawn and inside(c.on)]
    findings = [f for f in Finding.objects.all() if inside(local(f.found_at))]
    upheld = [c for c in Complaint.objects.all() if inside(local(c.replied_at)) and c.finding in ("substantiated", "partly")]
    poor = [r for r in Rating.objects.all() if r.level in Rating.POOR and not r.excluded and inside(local(r.given_at))]
    follow = [f for f in FollowUp.objects.all() if inside(f.rectify_due)]
    phases = [ph for ph in Phase.objects.all() if ph.report_name]
    reports = list(Report.objects.all())
    units = {c.pk: {u.pk for u in c.units.all()} for c in Campaign.objects.all()}
    inspections = [i for i in Inspection.objects.all() if i.total is not None and inside(i.published_on)]
    out = {}
    for d in Department.objects.all():
        decided = [c for c in cases if c.department_id == d.pk and inside(c.decided_on)]
        received = [c for c in cases if c.department_id == d.pk and inside(c.received_on)]
        limits = [c for c in received if c.statutory_limit > 0]
        mine_f = [f for f in follow if f.department_id == d.pk]
        rates = {
            "on_time": (sum(1 for c in decided if c.promised_due is None or c.decided_on <= c.promised_due), len(decided)),
            "quick_share": (sum(1 for c in received if c.version.category in ("instant", "review_approve")), len(received)),
            "compression": (sum(c.statutory_limit for c in limits) - sum(c.promised_limit for c in limits),
                            sum(c.statutory_limit for c in limits)),
            "online_share": (sum(1 for c in received if c.channel == "online"), len(received)),
            "rectified": (sum(1 for f in mine_f if f.rectified_at and local(f.rectified_at) <= f.rectify_due), len(mine_f)),
        }
        counts = {"cards": sum(1 for c in cards if c.department_id == d.pk),
                  "anomalies": sum(1 for f in findings if f.department_id == d.pk),
                  "complaints_upheld": sum(1 for c in upheld if c.against_department_id == d.pk),
                  "poor_ratings": sum(1 for r in poor if r.department_id == d.pk)}
        active = bool(decided or received)
        fig = {}
        for code, (hit, n) in rates.items():
            fig[code] = ({"data": True, "value": round(100 * hit / n, 1), "score": round(weight[code] * hit / n, 2)}
                         if n else {"data": False})
        for code, n in counts.items():
            fig[code] = ({"data": True, "value": n, "score": round(weight[code] * max(0.0, 1 - per[code] * n / 100), 2)}
                         if active else {"data": False})
        due = [(ph, next((r for r in reports if r.phase_id == ph.pk and r.department_id == d.pk), None))
               for ph in phases if inside(ph.report_due) and d.pk in units[ph.campaign_id]]
        due = [(ph, r) for ph, r in due if r is not None or ph.report_due < timezone.localdate()]
        rates2 = {"campaign_reports": (sum(1 for ph, r in due if r and r.submitted_on <= ph.report_due), len(due)),
                  "inspection": (sum(i.total for i in inspections if i.department_id == d.pk),
                                 100 * sum(1 for i in inspections if i.department_id == d.pk))}
        for code, (hit, n) in rates2.items():
            fig[code] = ({"data": True, "value": round(100 * hit / n, 1), "score": round(weight[code] * hit / n, 2)}
                         if n else {"data": False})
        scored = [c for c, f in fig.items() if f["data"]]
        w = sum(weight[c] for c in scored)
        total = round(100 * sum(fig[c]["score"] for c in scored) / w, 1) if w else None
        out[d.pk] = {"figures": fig, "total": total}
    return out


def system(p):
    r = api(user("admin")).get("/api/v1/campaign/assessment/", {"period": p})
    assert r.status_code == 200, r.content
    return r.json()


def test_the_month_computed_by_hand_equals_the_system_s_figures(living):
    p = period("2026-11")
    hand = by_hand(p.start, p.end)
    got = system("2026-11")
    assert got["scheme"]["version"] == 1 and len(got["departments"]) == Department.objects.count()
    for d in got["departments"]:
        expected = hand[d["id"]]
        assert d["total"] == expected["total"], (d["name"], d["total"], expected["total"])
        for code, f in expected["figures"].items():
            mine = d["figures"][code]
            assert mine["data"] == f["data"], (d["name"], code, mine, f)
            if f["data"]:
                assert (mine["value"], mine["score"]) == (f["value"], f["score"]), (d["name"], code, mine, f)
            else:
                assert mine["value"] is None and mine["score"] is None, (d["name"], code, mine)  # never zero
    # The figures measure something: the demo month has late cases, cards and poor ratings.
    rows = got["departments"]
    assert any(d["figures"]["on_time"]["data"] and d["figures"]["on_time"]["value"] < 100 for d in rows)
    assert any(d["figures"]["cards"]["data"] and d["figures"]["cards"]["value"] > 0 for d in rows)
    assert sum(d["figures"]["poor_ratings"]["value"] or 0 for d in rows) > 0
    assert sorted(d["figures"]["inspection"]["value"] for d in rows if d["figures"]["inspection"]["data"]) == [68.0, 91.0]
    assert any(d["figures"]["campaign_reports"]["data"] for d in rows)
    # October: the problem list one unit never sent and another sent late count against them.
    octo = {d["name"]: d["figures"]["campaign_reports"] for d in system("2026-10")["departments"]}
    assert octo["市发改委"]["value"] == 0.0 and octo["市房产局"]["value"] == 0.0 and octo["市住建局"]["value"] == 100.0
    ranked = [d["total"] for d in rows if d["rank"] is not None]
    assert ranked == sorted(ranked, reverse=True) and [d["rank"] for d in rows if d["rank"]] == list(
        range(1, len(ranked) + 1))
    # A quarter and a year are periods too, summed over their months' records.
    q = by_hand(datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert {d["id"]: d["total"] for d in system("2026-Q4")["departments"]} == {k: v["total"] for k, v in q.items()}


def test_a_new_weight_is_a_new_version_and_past_periods_keep_their_scores(living, unchanged):
    before_oct, before_nov = system("2026-10"), system("2026-11")
    admin = api(user("admin"))
    weights = {**WEIGHT, "on_time": 40, "cards": 5, "online_share": 0}
    with unchanged():
        for body, field in (({"weights": {**weights, "on_time": 41}}, "weights"),  # 101 in all
                            ({"weights": weights, "effective_from": "2026-10"}, "effective_from"),  # back-dated
                            ({"weights": weights, "effective_from": "2026-13"}, "effective_from"),
                            ({"weights": {**weights, "luck": 0}}, "weights"),
                            ({"weights": weights, "per": {"cards": 0}}, "per"),
                            ({"weights": {**weights, "on_time": -1}}, "weights")):
            r = admin.post("/api/v1/campaign/assessment/schemes/", body, format="json")
            assert r.status_code == 400 and field in r.json(), (body, r.content)
        for who in ("supervisor", "leader", "depthead"):
            r = api(user(who)).post("/api/v1/campaign/assessment/schemes/", {"weights": weights}, format="json")
            assert r.status_code == 403, who
    r = admin.post("/api/v1/campaign/assessment/schemes/", {"weights": weights, "note": "提高按时办结权重"}, format="json")
    assert r.status_code == 201, r.content
    assert (r.json()["version"], r.json()["effective_from"]) == (2, "2026-11-01")
    assert Scheme.objects.count() == 1
    after_oct, after_nov = system("2026-10"), system("2026-11")
    assert after_oct == before_oct  # scored under version 1, as before
    assert after_nov["scheme"]["version"] == 2 and after_nov != before_nov
    hand = by_hand(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), weight=weights)
    assert {d["id"]: d["total"] for d in after_nov["departments"]} == {k: v["total"] for k, v in hand.items()}
    # The next version, from a later month, leaves this month as it is.
    r = admin.post("/api/v1/campaign/assessment/schemes/", {"weights": WEIGHT, "effective_from": "2026-12"},
                   format="json")
    assert r.status_code == 201 and r.json()["version"] == 3
    assert system("2026-11") == after_nov and system("2026-12")["scheme"]["version"] == 3


def test_who_sees_the_assessment(living):
    head = user("depthead")
    r = api(head).get("/api/v1/campaign/assessment/", {"period": "2026-11"})
    assert r.status_code == 200 and [d["id"] for d in r.json()["departments"]] == [head.staff.department_id]
    other = Department.objects.exclude(pk=head.staff.department_id).first()
    assert api(head).get("/api/v1/campaign/assessment/records/", {
        "period": "2026-11", "department": other.pk, "indicator": "on_time"}).status_code == 404
    mine = api(head).get("/api/v1/campaign/assessment/records/", {
        "period": "2026-11", "department": head.staff.department_id, "indicator": "on_time"})
    assert mine.status_code == 200 and mine.json()["results"]
    for who in ("handler", "clerk", "13800138000"):
        assert api(user(who)).get("/api/v1/campaign/assessment/").status_code == 403, who
    assert api().get("/api/v1/campaign/assessment/").status_code == 401
    for bad in ("2026-13", "26-11", "2026-Q5", "x" * 50, "1999"):
        r = api(user("leader")).get("/api/v1/campaign/assessment/", {"period": bad})
        assert r.status_code == 400 and "period" in r.json(), bad


def test_the_drill_down_lists_the_cases_behind_the_figure(living):
    got = system("2026-11")
    d = next(d for d in got["departments"] if d["figures"]["on_time"]["data"] and d["figures"]["on_time"]["value"] < 100)
    found = api(user("admin")).get("/api/v1/campaign/assessment/records/", {
        "period": "2026-11", "department": d["id"], "indicator": "on_time"}).json()
    rows = found["results"]
    assert found["capped"] is False  # fewer than the 500 listed at most
    fig = d["figures"]["on_time"]
    assert len(rows) == fig["of"] and sum(1 for r in rows if r["meets"]) == fig["hits"]
    expected = set(Case.objects.filter(department_id=d["id"], decided_on__gte="2026-11-01",
                                       decided_on__lte="2026-11-30").values_list("number", flat=True))
    assert {r["case"] for r in rows} == expected
