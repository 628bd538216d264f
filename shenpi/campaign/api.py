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
from rest_framework.permissions import IsAuthenticated
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
        return Response({"results": [{**r, "date": r["date"].isoformat() if r["date"] else None,
                                      "detail": r["detail"].isoformat() if hasattr(r["detail"], "isoformat")
                                      else str(r["detail"])} for r in rows]})


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
