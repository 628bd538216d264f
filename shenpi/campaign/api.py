"""The problem register over the API (G2), with the pages' rules (campaign/access.py): list and
register, read one with its history, record one of the four conditions, close (a 400 naming
the conditions not yet recorded), reopen."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shenpi.core.api import Detail, Pagination
from shenpi.core.params import whole_number

from . import access, problems, selectors
from .models import Problem, ProblemEntry


class ProblemIn(serializers.Serializer):
    department = serializers.IntegerField(min_value=1, max_value=2**62)
    title = serializers.CharField(max_length=200)
    detail = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    kind = serializers.ChoiceField(choices=Problem.Kind.choices)
    source = serializers.ChoiceField(choices=Problem.Source.choices)  # type: ignore[assignment]
    cause = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    measure = serializers.CharField(max_length=4000)
    responsible = serializers.IntegerField(min_value=1, max_value=2**62, help_text="the user id of the person")
    deadline_days = serializers.IntegerField(min_value=1, max_value=problems.MAX_DEADLINE)


class EntryOut(serializers.Serializer):
    round = serializers.IntegerField()
    action = serializers.CharField()
    condition = serializers.CharField()
    text = serializers.CharField()
    by = serializers.CharField(source="by.username")
    at = serializers.DateTimeField()


class ProblemOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    department = serializers.IntegerField(source="department_id")
    title = serializers.CharField()
    detail = serializers.CharField()
    kind = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    cause = serializers.CharField()
    measure = serializers.CharField()
    responsible = serializers.IntegerField(source="responsible_id")
    found_on = serializers.DateField()
    deadline_days = serializers.IntegerField()
    due_on = serializers.DateField()
    state = serializers.CharField()
    round = serializers.IntegerField()
    closed_on = serializers.DateField(allow_null=True)


class ProblemDetailOut(ProblemOut):
    missing = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    def get_missing(self, obj: Any) -> list[str]:
        return problems.missing_conditions(obj) if obj.state == Problem.State.OPEN else []

    def get_history(self, obj: Any) -> list[dict]:
        return EntryOut(selectors.history(obj), many=True).data  # type: ignore[return-value]


def _problem(request: Any, pk: int) -> Problem:
    return get_object_or_404(access.problems_for(request.user), pk=pk)


class ProblemsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProblemOut(many=True), 403: Detail}, operation_id="problems_list",
                   tags=["campaign"])
    def get(self, request):
        if not access.may_read_register(request.user):
            raise PermissionDenied
        q = request.query_params
        paginator = Pagination()
        rows = paginator.paginate_queryset(selectors.problems(request.user, state=q.get("state", ""),
                                                              kind=q.get("kind", "")), request, view=self)
        return paginator.get_paginated_response(ProblemOut(rows, many=True).data)

    @extend_schema(request=ProblemIn, responses={201: ProblemDetailOut, 400: Detail, 403: Detail},
                   operation_id="problems_create", tags=["campaign"])
    def post(self, request):
        if not access.may_read_register(request.user):
            raise PermissionDenied
        s = ProblemIn(data=request.data)
        s.is_valid(raise_exception=True)
        problem = problems.register(actor=request.user, **s.validated_data)
        return Response(ProblemDetailOut(problem).data, status=status.HTTP_201_CREATED)


class ProblemDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProblemDetailOut, 404: Detail}, operation_id="problems_detail", tags=["campaign"])
    def get(self, request, pk):
        return Response(ProblemDetailOut(_problem(request, pk)).data)


class ConditionIn(serializers.Serializer):
    condition = serializers.ChoiceField(choices=ProblemEntry.Condition.choices)
    text = serializers.CharField(max_length=4000)


class ProblemConditionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ConditionIn, responses={201: ProblemDetailOut, 400: Detail, 403: Detail, 404: Detail},
                   operation_id="problems_record_condition", tags=["campaign"])
    def post(self, request, pk):
        problem = _problem(request, pk)
        s = ConditionIn(data=request.data)
        s.is_valid(raise_exception=True)
        problems.record_condition(actor=request.user, problem=problem, condition=s.validated_data["condition"],
                                  what=s.validated_data["text"])
        problem.refresh_from_db()
        return Response(ProblemDetailOut(problem).data, status=status.HTTP_201_CREATED)


class ProblemCloseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ProblemDetailOut, 400: Detail, 403: Detail, 404: Detail},
                   operation_id="problems_close", tags=["campaign"])
    def post(self, request, pk):
        return Response(ProblemDetailOut(problems.close(actor=request.user, problem=_problem(request, pk))).data)


class ReopenIn(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class ProblemReopenView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReopenIn, responses={200: ProblemDetailOut, 400: Detail, 403: Detail, 404: Detail},
                   operation_id="problems_reopen", tags=["campaign"])
    def post(self, request, pk):
        problem = _problem(request, pk)
        s = ReopenIn(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(ProblemDetailOut(problems.reopen(actor=request.user, problem=problem,
                                                         reason=s.validated_data["reason"])).data)


# --- performance assessment (G4) --------------------------------------------------------------

def _assessment_reader(request: Any) -> None:
    if not access.may_see_assessment(request.user):
        raise PermissionDenied


def _scheme_out(scheme: Any) -> dict:
    return {"version": scheme.version,
            "effective_from": scheme.effective_from.isoformat() if scheme.effective_from else None,
            "indicators": scheme.indicators}


class AssessmentView(APIView):
    """Every department the user may see, ranked for the period: each indicator's figure, score
    and weight (`data` false: no data, left out of the total)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("period", str, description="2026-11, 2026-Q4 or 2026"),
                               OpenApiParameter("sort", str)],
                   responses={200: OpenApiTypes.OBJECT, 400: Detail, 403: Detail}, operation_id="assessment",
                   tags=["campaign"])
    def get(self, request):
        _assessment_reader(request)
        found = selectors.assessment(request.user, request.query_params.get("period", ""),
                                     sort=request.query_params.get("sort", ""))
        if found is None:
            raise ValidationError({"period": [_("Not a period: write 2026-11, 2026-Q4 or 2026.")]})
        p = found["period"]
        return Response({
            "period": p.key, "start": p.start.isoformat(), "end": p.end.isoformat(),
            "scheme": _scheme_out(found["scheme"]),
            "indicators": [{"code": i.code, "label": str(i.label), "kind": i.kind, "built": i.built}
                           for i in found["indicators"]],
            "departments": [{"id": d["id"], "name": d["name"], "rank": d["rank"], "total": d["total"],
                             "figures": d["figures"]} for d in found["departments"]]})


class AssessmentRecordsView(APIView):
    """The records behind one department's figure (the drill-down)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("period", str, required=True),
                               OpenApiParameter("department", int, required=True),
                               OpenApiParameter("indicator", str, required=True)],
                   responses={200: OpenApiTypes.OBJECT, 403: Detail, 404: Detail}, operation_id="assessment_records",
                   tags=["campaign"])
    def get(self, request):
        _assessment_reader(request)
        q = request.query_params
        rows = selectors.assessment_records(request.user, q.get("period", ""), whole_number(q.get("department", "")),
                                            q.get("indicator", ""))
        if rows is None:
            raise NotFound
        from . import assessment as rules
        results = [{**r, "date": r["date"].isoformat() if r["date"] else None,
                    "detail": r["detail"].isoformat() if hasattr(r["detail"], "isoformat") else str(r["detail"])}
                   for r in rows]
        return Response({"capped": len(rows) >= rules.RECORDS_SHOWN, "results": results})


class SchemeIn(serializers.Serializer):
    weights = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=100))
    per = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=100), required=False,
                                default=dict)
    effective_from = serializers.CharField(required=False, allow_blank=True, max_length=7, default="",
                                           help_text="YYYY-MM, the current month or later; empty: the current month")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SchemesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: Detail}, operation_id="assessment_schemes",
                   tags=["campaign"])
    def get(self, request):
        _assessment_reader(request)
        from . import assessment as rules
        return Response({"results": [_scheme_out(s) for s in rules.schemes()]})

    @extend_schema(request=SchemeIn, responses={201: OpenApiTypes.OBJECT, 400: Detail, 403: Detail},
                   operation_id="assessment_schemes_create", tags=["campaign"])
    def post(self, request):
        from . import assessment as rules
        if not access.may_change_scheme(request.user):
            raise PermissionDenied
        s = SchemeIn(data=request.data)
        s.is_valid(raise_exception=True)
        made = rules.new_scheme(actor=request.user, **s.validated_data)
        return Response(_scheme_out(made), status=status.HTTP_201_CREATED)


# --- the campaign's phases, reports and inspections (G1, G3) ----------------------------------

class CampaignPhaseIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    report_name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    report_due = serializers.DateField(required=False, allow_null=True, default=None)


class CampaignIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    document = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    phases = CampaignPhaseIn(many=True)
    units = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=500)


def _campaign_out(user: Any, campaign: Any) -> dict:
    from django.utils import timezone
    found = selectors.campaign_overview(user, campaign, timezone.localdate())
    return {"id": campaign.pk, "name": campaign.name, "document": campaign.document,
            "starts_on": campaign.starts_on.isoformat(), "ends_on": campaign.ends_on.isoformat(),
            "phases": [{"id": p.pk, "order": p.order, "name": p.name, "starts_on": p.starts_on.isoformat(),
                        "ends_on": p.ends_on.isoformat(), "stage": p.stage, "report_name": p.report_name,
                        "report_due": p.report_due.isoformat() if p.report_due else None} for p in found["phases"]],
            "overdue_reports": found["overdue"],
            "units": [{"department": r["unit"].pk, "name": r["unit"].short_name or r["unit"].name,
                       "reports": [{"phase": c["phase"].pk, "state": c["state"],
                                    "submitted_on": c["report"].submitted_on.isoformat() if c["report"] else None}
                                   for c in r["cells"] if c["state"] != "none"]} for r in found["rows"]]}


class CampaignsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: Detail}, operation_id="campaigns_list", tags=["campaign"])
    def get(self, request):
        if not access.may_read_register(request.user):
            raise PermissionDenied
        from .models import Campaign
        return Response({"results": [_campaign_out(request.user, c) for c in Campaign.objects.order_by("-starts_on")[:20]]})

    @extend_schema(request=CampaignIn, responses={201: OpenApiTypes.OBJECT, 400: Detail, 403: Detail},
                   operation_id="campaigns_create", tags=["campaign"])
    def post(self, request):
        from . import campaigns
        if not access.may_change_scheme(request.user):  # the centre's administrators
            raise PermissionDenied
        s = CampaignIn(data=request.data)
        s.is_valid(raise_exception=True)
        made = campaigns.create(actor=request.user, **s.validated_data)
        return Response(_campaign_out(request.user, made), status=status.HTTP_201_CREATED)


class PhaseReportIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class PhaseReportView(APIView):
    """The signed-in unit head's report for a phase."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PhaseReportIn, responses={201: OpenApiTypes.OBJECT, 400: Detail, 403: Detail, 404: Detail},
                   operation_id="campaign_phase_report", tags=["campaign"])
    def post(self, request, pk):
        from shenpi.supervision.access import department_of

        from . import campaigns
        from .models import Phase
        if not access.may_read_register(request.user):
            raise PermissionDenied
        phase = get_object_or_404(Phase.objects.select_related("campaign"), pk=pk)
        s = PhaseReportIn(data=request.data)
        s.is_valid(raise_exception=True)
        made = campaigns.submit_report(actor=request.user, phase=phase, department=department_of(request.user),
                                       report=s.validated_data["text"])
        return Response({"phase": phase.pk, "department": made.department_id, "submitted_on": made.submitted_on,
                         "state": campaigns.report_state(phase, made, made.submitted_on)},
                        status=status.HTTP_201_CREATED)


def _inspection_out(i: Any) -> dict:
    return {"id": i.pk, "campaign": i.campaign_id, "department": i.department_id, "planned_on": i.planned_on,
            "inspectors": i.inspectors, "total": i.total, "result": i.result, "conclusion": i.conclusion,
            "scored_on": i.scored_on, "published_on": i.published_on,
            "scores": [{"criterion": s.criterion, "score": s.score, "note": s.note, "evidence": s.evidence}
                       for s in i.scores.all()]}


def _inspections(user: Any) -> Any:
    from shenpi.supervision.access import department_of, is_watcher

    from .models import Inspection
    qs = Inspection.objects.prefetch_related("scores").order_by("-planned_on", "-pk")
    return qs if is_watcher(user) else qs.filter(department_id=department_of(user) or 0)


class CampaignInspectionIn(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, max_value=2**62)
    department = serializers.IntegerField(min_value=1, max_value=2**62)
    planned_on = serializers.DateField()
    inspectors = serializers.CharField(max_length=200)


class InspectionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: Detail}, operation_id="inspections_list",
                   tags=["campaign"])
    def get(self, request):
        if not access.may_read_register(request.user):
            raise PermissionDenied
        paginator = Pagination()
        rows = paginator.paginate_queryset(_inspections(request.user), request, view=self)
        return paginator.get_paginated_response([_inspection_out(i) for i in rows])

    @extend_schema(request=CampaignInspectionIn, responses={201: OpenApiTypes.OBJECT, 400: Detail, 403: Detail},
                   operation_id="inspections_plan", tags=["campaign"])
    def post(self, request):
        from . import campaigns
        from .models import Campaign
        if not campaigns.may_run(request.user):
            raise PermissionDenied
        s = CampaignInspectionIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        campaign = Campaign.objects.filter(pk=d["campaign"]).first()
        if campaign is None:
            raise ValidationError({"campaign": [_("No such campaign.")]})
        made = campaigns.plan_inspection(actor=request.user, campaign=campaign, department=d["department"],
                                         planned_on=d["planned_on"], inspectors=d["inspectors"])
        return Response(_inspection_out(made), status=status.HTTP_201_CREATED)


class InspectionScoresIn(serializers.Serializer):
    scores = serializers.DictField(child=serializers.DictField(), help_text='{"plan": {"score": 12, "note": "", '
                                                                            '"evidence": ""}, …} for every criterion')
    result = serializers.ChoiceField(choices=["praise", "criticism", "rectify"])
    conclusion = serializers.CharField(max_length=4000)


class InspectionScoresView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=InspectionScoresIn, responses={200: OpenApiTypes.OBJECT, 400: Detail, 403: Detail, 404: Detail},
                   operation_id="inspections_score", tags=["campaign"])
    def post(self, request, pk):
        from . import campaigns
        found = get_object_or_404(_inspections(request.user), pk=pk)
        if not campaigns.may_run(request.user):
            raise PermissionDenied
        s = InspectionScoresIn(data=request.data)
        s.is_valid(raise_exception=True)
        done = campaigns.score(actor=request.user, inspection=found, **s.validated_data)
        return Response(_inspection_out(done))


class InspectionPublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 400: Detail, 403: Detail, 404: Detail},
                   operation_id="inspections_publish", tags=["campaign"])
    def post(self, request, pk):
        from . import campaigns
        found = get_object_or_404(_inspections(request.user), pk=pk)
        if not campaigns.may_run(request.user):
            raise PermissionDenied
        return Response(_inspection_out(campaigns.publish(actor=request.user, inspection=found)))


# --- duty and attendance (B3) -----------------------------------------------------------------

class ShiftIn(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=2**62)
    kind = serializers.ChoiceField(choices=["deputy_head", "section_chief"])
    day = serializers.DateField()


def _shift_out(s: Any) -> dict:
    return {"id": s.pk, "department": s.department_id, "person": s.person_id, "kind": s.kind, "day": s.day}


class RosterView(APIView):
    """The roster between two days (`from`, `to`: at most 62 days; default the next two weeks)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("from", str), OpenApiParameter("to", str)],
                   responses={200: OpenApiTypes.OBJECT, 400: Detail, 403: Detail}, operation_id="duty_roster",
                   tags=["duty"])
    def get(self, request):
        import datetime

        from django.utils import timezone

        from shenpi.core.params import day as read_day
        from shenpi.org.roles import is_staff_member

        from . import duty
        if not is_staff_member(request.user):
            raise PermissionDenied
        today = timezone.localdate()

        def day(name: str, default: datetime.date) -> datetime.date:
            raw = request.query_params.get(name, "")
            found = read_day(raw)
            if raw and found is None:
                raise ValidationError({name: [_("A date, YYYY-MM-DD.")]})
            return found or default
        first, last = day("from", today), day("to", today + datetime.timedelta(days=14))
        if not 0 <= (last - first).days <= 62:
            raise ValidationError({"to": [_("From 0 to 62 days after the first day.")]})
        return Response({"results": [_shift_out(s) for s in duty.roster(request.user, first, last)]})

    @extend_schema(request=ShiftIn, responses={201: OpenApiTypes.OBJECT, 400: Detail, 403: Detail},
                   operation_id="duty_roster_add", tags=["duty"])
    def post(self, request):
        from shenpi.org.roles import is_staff_member

        from . import duty
        if not is_staff_member(request.user):
            raise PermissionDenied
        s = ShiftIn(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(_shift_out(duty.plan_shift(actor=request.user, **s.validated_data)),
                        status=status.HTTP_201_CREATED)


def _attendance_out(a: Any) -> dict:
    return {"day": a.day, "signed_in_at": a.signed_in_at, "signed_out_at": a.signed_out_at}


class SignInView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 403: Detail}, operation_id="duty_sign_in",
                   tags=["duty"])
    def post(self, request):
        from . import duty
        return Response(_attendance_out(duty.sign_in(actor=request.user)))


class SignOutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 400: Detail, 403: Detail},
                   operation_id="duty_sign_out", tags=["duty"])
    def post(self, request):
        from shenpi.org.roles import is_staff_member

        from . import duty
        if not is_staff_member(request.user):
            raise PermissionDenied
        return Response(_attendance_out(duty.sign_out(actor=request.user)))


class DutyReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("month", str, description="2026-11")],
                   responses={200: OpenApiTypes.OBJECT, 400: Detail, 403: Detail}, operation_id="duty_report",
                   tags=["duty"])
    def get(self, request):
        from . import duty
        if not duty.departments_for(request.user).exists():
            raise PermissionDenied
        found = duty.report(request.user, request.query_params.get("month", ""))
        if found is None:
            raise ValidationError({"month": [_("Not a month: write 2026-11.")]})
        return Response({"month": found["month"], "until": found["until"], "workdays": found["workdays"],
                         "departments": [{"id": r["department"].pk, "name": r["department"].short_name
                                          or r["department"].name, "deputy_head": r["deputy"],
                                          "section_chiefs": r["chiefs"], "window_staff": r["windows"],
                                          "missed": [_shift_out(s) for s in r["missed"]]} for r in found["rows"]]})


class ProblemFiguresView(APIView):
    """Per unit: problems being rectified, of them overdue, closed, and how many of each kind."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: Detail}, operation_id="problems_figures",
                   tags=["campaign"])
    def get(self, request):
        from django.utils import timezone
        if not access.may_read_register(request.user):
            raise PermissionDenied
        rows = selectors.counts(request.user, timezone.localdate())
        return Response({"results": [{"department": r["department_id"], "name": r["name"], "open": r["open"],
                                      "overdue": r["overdue"], "closed": r["closed"],
                                      "kinds": dict(zip(Problem.Kind.values, r["kinds"], strict=True))}
                                     for r in rows]})


class PublicInspectionsView(APIView):
    """The published inspection results, as the public reads them at /campaign/."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="public_inspections", tags=["public"])
    def get(self, request):
        paginator = Pagination()
        rows = paginator.paginate_queryset(selectors.published_inspections(), request, view=self)
        return paginator.get_paginated_response([
            {"department": i.department.name, "campaign": i.campaign.name, "total": i.total, "result": i.result,
             "conclusion": i.conclusion, "published_on": i.published_on} for i in rows])
