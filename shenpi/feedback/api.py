"""Complaints and ratings over the API (F1, F2), with the rules of the pages: anyone may
complain (the portal's channel; staff register the others); a complaint is read by its
complainant and those handling it; the applicant rates an ended case; the figures are for
watchers and, for their own department, department staff."""

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shenpi.cases.models import Case
from shenpi.core.api import Detail, Pagination
from shenpi.core.exceptions import TooMany
from shenpi.core.throttle import client_address, count, uncount
from shenpi.org.models import Department

from . import access, complaints, selectors, services
from .models import Complaint, Rating


class ComplaintIn(serializers.Serializer):
    source = serializers.ChoiceField(  # type: ignore[assignment]  # the field is named as the API names it
        choices=Complaint.Source.choices, default=Complaint.Source.PORTAL)
    against_department = serializers.IntegerField(min_value=1, max_value=2**62)
    against_name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    content = serializers.CharField(max_length=4000)
    anonymous = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")


class ComplaintOut(serializers.Serializer):
    number = serializers.CharField()
    query_code = serializers.CharField(help_text="empty for an anonymous complaint")
    source = serializers.CharField()  # type: ignore[assignment]  # the field is named as the API names it
    status = serializers.CharField()
    anonymous = serializers.BooleanField()
    against_department = serializers.IntegerField(source="against_department_id")
    against_name = serializers.CharField()
    case = serializers.CharField(source="case.number", default=None, allow_null=True)
    content = serializers.CharField()
    received_at = serializers.DateTimeField()
    accept_due = serializers.DateField()
    handling_department = serializers.IntegerField(source="handling_department_id", allow_null=True)
    reply_due = serializers.DateField(allow_null=True)
    extended_days = serializers.IntegerField()
    extension_reason = serializers.CharField()
    not_accepted_reason = serializers.CharField()
    finding = serializers.CharField()
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    handling_level = serializers.IntegerField(allow_null=True)


class ComplaintsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: ComplaintOut(many=True), 401: Detail}, operation_id="complaints_list",
                   tags=["feedback"])
    def get(self, request):
        if not request.user.is_authenticated:
            return Response({"detail": "Authentication credentials were not provided."},
                            status=status.HTTP_401_UNAUTHORIZED)
        paginator = Pagination()
        rows = paginator.paginate_queryset(access.complaints_for(request.user).select_related("case")
                                           .order_by("-received_at", "-pk"), request, view=self)
        return paginator.get_paginated_response(ComplaintOut(rows, many=True).data)

    @extend_schema(request=ComplaintIn, responses={201: ComplaintOut, 403: Detail, 429: Detail},
                   operation_id="complaints_create", tags=["feedback"])
    def post(self, request):
        s = ComplaintIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        # An address's complaints are limited, staff's (entering them for callers) are not;
        # counted before it is sent on, so posts at once cannot pass the limit together.
        key = f"complaint-submit:{client_address(request)}" if not getattr(request.user, "staff", None) else None
        if key and count(key, 3600) > 20:
            raise TooMany(_("Too many complaints from this address for now; call the centre's hotline."),
                          retry_after=3600)
        department = Department.objects.filter(pk=d.pop("against_department")).first()
        actor = request.user if request.user.is_authenticated else None
        try:
            complaint = complaints.submit(actor=None if actor and d["source"] == Complaint.Source.PORTAL and getattr(
                actor, "staff", None) else actor, against_department=department, **d)
        except Exception:
            if key:
                uncount(key)  # refused: not a complaint made
            raise
        return Response(ComplaintOut(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ComplaintOut, 404: Detail}, operation_id="complaints_detail", tags=["feedback"])
    def get(self, request, number):
        return Response(ComplaintOut(get_object_or_404(access.complaints_for(request.user), number=number)).data)


class RatingIn(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=5, help_text="1 非常满意 … 5 非常不满意")
    indicators = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list,
                                       max_length=20)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class RatingOut(serializers.Serializer):
    case = serializers.CharField(source="case.number")
    channel = serializers.CharField()
    level = serializers.IntegerField()
    indicators = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField()
    given_at = serializers.DateTimeField()
    follow_up = serializers.SerializerMethodField()

    def get_follow_up(self, obj: Any) -> bool:
        return obj.poor


class RatingView(APIView):
    """The applicant rates their own ended case (the portal's channel)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RatingIn, responses={201: RatingOut, 404: Detail}, operation_id="cases_rate",
                   tags=["feedback"])
    def post(self, request, number):
        case = get_object_or_404(Case, number=number, applicant_user=request.user)
        s = RatingIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        rating = services.rate(case=case, channel=Rating.Channel.PORTAL, actor=request.user, level=d["level"],
                               chosen=d["indicators"], text=d["text"])
        return Response(RatingOut(rating).data, status=status.HTTP_201_CREATED)


class FollowUpOut(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="rating.case.number")
    level = serializers.IntegerField(source="rating.level")
    department = serializers.IntegerField(source="department_id")
    call_back_due = serializers.DateField()
    called_back_at = serializers.DateTimeField(allow_null=True)
    rectify_due = serializers.DateField()
    rectified_at = serializers.DateTimeField(allow_null=True)
    second_level = serializers.IntegerField(allow_null=True)
    state = serializers.CharField()


class FollowUpsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=FollowUpOut(many=True), operation_id="feedback_follow_ups", tags=["feedback"])
    def get(self, request):
        paginator = Pagination()
        rows = paginator.paginate_queryset(selectors.follow_ups_for(request.user).order_by("call_back_due", "pk"),
                                           request, view=self)
        from django.utils import timezone
        return paginator.get_paginated_response(FollowUpOut(selectors.with_states(rows, timezone.localdate()),
                                                            many=True).data)


class FiguresView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: Detail}, operation_id="feedback_figures",
                   tags=["feedback"])
    def get(self, request):
        if not access.may_see_figures(request.user):
            raise PermissionDenied
        f = selectors.figures(request.user)
        return Response({**f, "on": f["on"].isoformat()})
