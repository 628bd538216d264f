"""The problem register over the API (G2), with the pages' rules (campaign/access.py): list and
register, read one with its history, record one of the four conditions, close (a 400 naming
the conditions not yet recorded), reopen."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shenpi.core.api import Detail, Pagination

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
