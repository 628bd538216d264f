"""The intermediary register over the API (H2): the public list and one organisation, a
centre administrator's listing, and the choice recorded on a case."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shenpi.cases.models import Case
from shenpi.core.api import Detail, Pagination

from . import rules, selectors


def _org_out(org: Any) -> dict:
    return {"id": org.pk, "name": org.name, "credit_code": org.credit_code, "contact": org.contact,
            "phone": org.phone, "address": org.address,
            "qualifications": [{"name": q.name, "number": q.number, "issued_by": q.issued_by,
                                "expires_on": q.expires_on, "state": q.state} for q in org.qualifications.all()],
            "services": [{"id": s.pk, "name": s.name, "price_from_fen": s.price_from_fen,
                          "price_to_fen": s.price_to_fen, "price_unit": s.price_unit, "state": s.state}
                         for s in org.services.all()]}


class IntermediaryQualificationIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    number = serializers.CharField(max_length=100)
    issued_by = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    expires_on = serializers.DateField()


class IntermediaryServiceIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    qualification = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True, default=None,
                                             help_text="the number of its qualification in the list, from 0")
    price_from_fen = serializers.IntegerField(min_value=0, max_value=10**12 - 1)
    price_to_fen = serializers.IntegerField(min_value=0, max_value=10**12 - 1)
    price_unit = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class IntermediaryIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=18)
    contact = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    qualifications = IntermediaryQualificationIn(many=True, required=False, default=list)
    services = IntermediaryServiceIn(many=True)


class IntermediariesView(APIView):
    """The register, as the public reads it: `q` searches names, credit codes and services."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("service", str)],
                   responses={200: OpenApiTypes.OBJECT}, operation_id="intermediaries_list", tags=["intermediaries"])
    def get(self, request):
        paginator = Pagination()
        rows = paginator.paginate_queryset(selectors.search(q=request.query_params.get("q", "").strip()[:100],
                                                            service=request.query_params.get("service", "")[:100]),
                                           request, view=self)
        return paginator.get_paginated_response([_org_out(o) for o in selectors.with_states(rows)])

    @extend_schema(request=IntermediaryIn, responses={201: OpenApiTypes.OBJECT, 400: Detail, 401: Detail, 403: Detail},
                   operation_id="intermediaries_create", tags=["intermediaries"])
    def post(self, request):
        if not request.user.is_authenticated:
            return Response({"detail": "Authentication credentials were not provided."},
                            status=status.HTTP_401_UNAUTHORIZED)
        from shenpi.org.roles import is_centre_admin
        if not is_centre_admin(request.user):
            raise PermissionDenied
        s = IntermediaryIn(data=request.data)
        s.is_valid(raise_exception=True)
        made = rules.register(actor=request.user, **s.validated_data)
        return Response(_org_out(selectors.with_states([selectors.search().get(pk=made.pk)])[0]),
                        status=status.HTTP_201_CREATED)


class IntermediaryDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: Detail}, operation_id="intermediaries_detail",
                   tags=["intermediaries"])
    def get(self, request, pk):
        return Response(_org_out(selectors.with_states([get_object_or_404(selectors.search(), pk=pk)])[0]))


class ChoiceIn(serializers.Serializer):
    service = serializers.IntegerField(min_value=1, max_value=2**62)
    designated = serializers.BooleanField(required=False, default=False,
                                          help_text="an official named this organisation to the applicant")
    designated_by = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


def _choice_out(c: Any) -> dict:
    return {"case": c.case.number, "service": c.service.name, "intermediary": c.service.intermediary_id,
            "intermediary_name": c.service.intermediary.name, "designated": c.designated,
            "designated_by": c.designated_by, "chosen_at": c.chosen_at}


class CaseIntermediaryView(APIView):
    """The organisations chosen on a case, and recording one (its applicant, or staff for them)."""

    permission_classes = [IsAuthenticated]

    def _case(self, request, number):
        case = get_object_or_404(Case.objects.select_related("item"), number=number)
        if not rules.may_choose(request.user, case):
            from django.http import Http404
            raise Http404
        return case

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: Detail}, operation_id="cases_intermediaries",
                   tags=["intermediaries"])
    def get(self, request, number):
        case = self._case(request, number)
        return Response({"needed": case.item.intermediary_services,
                         "chosen": [_choice_out(c) for c in case.intermediaries.select_related("service__intermediary")],
                         "offers": [{"service": s.pk, "name": s.name, "intermediary": s.intermediary.name,
                                     "state": s.state} for s in rules.offers_for(case)]})

    @extend_schema(request=ChoiceIn, responses={201: OpenApiTypes.OBJECT, 400: Detail, 404: Detail},
                   operation_id="cases_intermediaries_choose", tags=["intermediaries"])
    def post(self, request, number):
        case = self._case(request, number)
        s = ChoiceIn(data=request.data)
        s.is_valid(raise_exception=True)
        made = rules.choose(actor=request.user, case=case, **s.validated_data)
        return Response(_choice_out(made), status=status.HTTP_201_CREATED)


class DesignationsView(APIView):
    """The choices flagged as designated by an official: for supervisors, leaders and the centre."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: Detail}, operation_id="intermediaries_designations",
                   tags=["intermediaries"])
    def get(self, request):
        from shenpi.supervision.access import is_watcher
        if not is_watcher(request.user):
            raise PermissionDenied
        paginator = Pagination()
        rows = paginator.paginate_queryset(selectors.designations(request.user), request, view=self)
        return paginator.get_paginated_response([_choice_out(c) for c in rows])
