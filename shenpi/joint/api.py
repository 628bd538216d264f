"""The joint acceptance's API (D2): a case's site inspections, scheduled by the coordinator,
and each department's result, recorded by the holder of its part. A department sees the
inspections it attends and only its own results; the coordinator and supervisors see all."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shenpi.cases import selectors
from shenpi.cases.models import Case
from shenpi.org.roles import Role, has_role

from . import services
from .models import Inspection


class ResultOut(serializers.Serializer):
    step = serializers.IntegerField(source="step_id")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    passed = serializers.BooleanField()
    items = serializers.CharField()
    opinion = serializers.CharField()
    has_evidence = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()

    def get_has_evidence(self, obj: Any) -> bool:
        return bool(obj.evidence)


class InspectionOut(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    on = serializers.DateField()
    place = serializers.CharField()
    members = serializers.DictField(child=serializers.CharField())
    results = serializers.SerializerMethodField()

    def get_results(self, obj: Inspection) -> list[dict]:
        shown = self.context["departments"]
        rows = [r for r in obj.results.all() if shown is None or r.department_id in shown]
        return ResultOut(rows, many=True).data  # type: ignore[return-value]


class InspectionIn(serializers.Serializer):
    on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    members = serializers.DictField(child=serializers.CharField(max_length=200),
                                    help_text="department id → who attends for it")


class ResultIn(serializers.Serializer):
    step = serializers.IntegerField(min_value=1, max_value=2**62)
    passed = serializers.BooleanField()
    items = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    evidence = serializers.FileField(required=False, allow_null=True, default=None,
                                     help_text="a photo or report (PDF, JPEG, PNG, OFD); send the form as multipart")


def _case(request: Any, number: str) -> Case:
    return get_object_or_404(selectors.cases_visible_to(request.user), number=number)


def _shown_departments(user: Any, case: Case) -> set | None:
    """None: every department's results (the coordinator, supervisors, leaders); else the
    user's own department's."""
    if services.is_coordinator(user, case) or has_role(user, Role.SUPERVISOR, Role.LEADER):
        return None
    staff = getattr(user, "staff", None)
    return {staff.department_id} if staff and staff.department_id else set()


def _inspections(request: Any, case: Case) -> list:
    shown = _shown_departments(request.user, case)
    qs = case.inspections.prefetch_related("results__department").order_by("round")
    rows = [i for i in qs if shown is None or any(str(d) in i.members for d in shown)]
    return InspectionOut(rows, many=True, context={"departments": shown}).data  # type: ignore[return-value]


class InspectionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InspectionOut(many=True), operation_id="cases_inspections_list", tags=["joint"])
    def get(self, request, number):
        return Response(_inspections(request, _case(request, number)))

    @extend_schema(request=InspectionIn, responses={201: InspectionOut}, operation_id="cases_inspections_schedule",
                   tags=["joint"])
    def post(self, request, number):
        case = _case(request, number)
        s = InspectionIn(data=request.data)
        s.is_valid(raise_exception=True)
        inspection = services.schedule(actor=request.user, case=case, **s.validated_data)
        return Response(InspectionOut(inspection, context={"departments": None}).data, status=status.HTTP_201_CREATED)


class ResultsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ResultIn, responses={201: ResultOut}, operation_id="cases_inspections_result",
                   tags=["joint"])
    def post(self, request, number, inspection_id):
        case = _case(request, number)
        inspection = get_object_or_404(Inspection, pk=inspection_id, case=case)
        s = ResultIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        result = services.record_result(actor=request.user, inspection=inspection, step_id=d["step"],
                                        passed=d["passed"], items=d["items"], opinion=d["opinion"],
                                        evidence=d["evidence"])
        return Response(ResultOut(result).data, status=status.HTTP_201_CREATED)
