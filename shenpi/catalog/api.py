"""Catalog API: thin views; reads through selectors, writes through services."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from shenpi.core.api import NumericIds
from shenpi.core.params import whole_number
from shenpi.org.permissions import StaffReadCentreAdminWrite
from shenpi.org.roles import is_centre_admin, is_staff_member

from . import excel, selectors, services
from .models import Item, ItemVersion
from .serializers import (
    AvailabilitySerializer,
    ContentSerializer,
    ImportResultSerializer,
    ItemCreateSerializer,
    ItemDetailSerializer,
    ItemSummarySerializer,
    ReformRecordSerializer,
    VersionSerializer,
)

LIST_PARAMS = [
    OpenApiParameter("q", str, description="Search in name, codes and department"),
    OpenApiParameter("department", int),
    OpenApiParameter("category", str, enum=["instant", "review_approve", "promised"]),
    OpenApiParameter("online", bool),
    OpenApiParameter("all", bool, description="Centre administrators: include closed items"),
]


def _flag(value):
    if value in (None, ""):
        return None
    return str(value).lower() in {"1", "true", "yes"}


class ItemViewSet(NumericIds, viewsets.GenericViewSet):
    queryset = Item.objects.select_related("department")
    permission_classes = [IsAuthenticatedOrReadOnly]  # reads are public; the services check each writer
    serializer_class = ItemSummarySerializer

    def get_serializer_class(self):
        return {"create": ItemCreateSerializer, "retrieve": ItemDetailSerializer}.get(self.action, ItemSummarySerializer)

    @extend_schema(parameters=LIST_PARAMS, responses=ItemSummarySerializer(many=True))
    def list(self, request):
        p = request.query_params
        department = whole_number(p["department"]) if p.get("department") else None
        if p.get("department") and department is None:
            raise serializers.ValidationError({"department": [_("A department id is a whole number.")]})
        filters = {"q": p.get("q", "").strip(), "department": department, "category": p.get("category", ""),
                   "online": _flag(p.get("online"))}
        include_closed = bool(_flag(p.get("all"))) and is_centre_admin(request.user)
        qs = selectors.public_catalog(**filters, include_closed=include_closed)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ItemSummarySerializer(page, many=True).data)

    @extend_schema(request=ItemCreateSerializer, responses={201: ItemDetailSerializer})
    def create(self, request):
        s = ItemCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        codes = {k: data.pop(k) for k in ("basic_code", "implementation_code", "department")}
        item = services.create_item(actor=request.user, **codes, content=data)
        return Response(self._detail(item, request), status=status.HTTP_201_CREATED)

    def _detail(self, item, request):
        version = selectors.published_version_of(item)
        rec = selectors.current_reform_record(item)
        return ItemDetailSerializer({
            "id": item.pk, "implementation_code": item.implementation_code, "basic_code": item.basic_code,
            "department_id": item.department_id, "reform_status": rec.status if rec else "retained",
            "version": version.number if version else None,
            "content": services.content_of(version) if version else None,
            "has_draft": item.versions.filter(status=ItemVersion.Status.DRAFT).exists(),
        }).data

    @extend_schema(responses=ItemDetailSerializer)
    def retrieve(self, request, pk=None):
        item = get_object_or_404(Item, pk=pk)
        if selectors.published_version_of(item) is None and not is_staff_member(request.user):
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(self._detail(item, request))

    @extend_schema(methods=["GET"], responses=ContentSerializer)
    @extend_schema(methods=["PUT"], request=ContentSerializer, responses=ContentSerializer)
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["get", "put", "delete"], permission_classes=[StaffReadCentreAdminWrite])
    def draft(self, request, pk=None):
        item = get_object_or_404(Item, pk=pk)
        if request.method == "GET":
            draft = get_object_or_404(ItemVersion, item=item, status=ItemVersion.Status.DRAFT)
            return Response(ContentSerializer(services.content_of(draft)).data)
        if request.method == "DELETE":
            services.discard_draft(actor=request.user, item=item)
            return Response(status=status.HTTP_204_NO_CONTENT)
        s = ContentSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        draft = services.save_draft(actor=request.user, item=item, content=dict(s.validated_data))
        return Response(ContentSerializer(services.content_of(draft)).data)

    @extend_schema(request=None, responses=VersionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[StaffReadCentreAdminWrite])
    def publish(self, request, pk=None):
        version = services.publish(actor=request.user, item=get_object_or_404(Item, pk=pk))
        return Response(VersionSerializer(version).data)

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[StaffReadCentreAdminWrite], pagination_class=None)
    def versions(self, request, pk=None):
        item = get_object_or_404(Item, pk=pk)
        return Response(VersionSerializer(item.versions.order_by("-number"), many=True).data)

    @extend_schema(methods=["GET"], responses=ReformRecordSerializer(many=True))
    @extend_schema(methods=["POST"], request=ReformRecordSerializer, responses={201: ReformRecordSerializer})
    @action(detail=True, methods=["get", "post"], url_path="reform-records", pagination_class=None)
    def reform_records(self, request, pk=None):
        item = get_object_or_404(Item, pk=pk)
        if request.method == "GET":
            return Response(ReformRecordSerializer(item.reform_records.all(), many=True).data)
        s = ReformRecordSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        rec = services.add_reform_record(actor=request.user, item=item, **s.validated_data)
        return Response(ReformRecordSerializer(rec).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=AvailabilitySerializer)
    @action(detail=True, methods=["get"])
    def availability(self, request, pk=None):
        a = selectors.item_availability(get_object_or_404(Item, pk=pk))
        return Response(AvailabilitySerializer({"ok": a.ok, "reason": a.reason}).data)


class FiguresView(APIView):
    permission_classes = [StaffReadCentreAdminWrite]

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Reform figures (四个一批, 70% and 50% targets)")
    def get(self, request):
        return Response(selectors.reform_figures())


class ExportView(APIView):
    permission_classes = [StaffReadCentreAdminWrite]

    @extend_schema(responses={(200, excel.XLSX): OpenApiTypes.BINARY}, summary="The published catalog as Excel")
    def get(self, request):
        response = HttpResponse(excel.export_catalog(), content_type=excel.XLSX)
        response["Content-Disposition"] = 'attachment; filename="catalog.xlsx"'
        return response


class ImportView(APIView):
    permission_classes = [StaffReadCentreAdminWrite]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=inline_serializer("CatalogImport", {"file": serializers.FileField()}),
        responses={200: ImportResultSerializer},
        summary="Import the catalog from Excel: all rows or none",
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": ["Attach the Excel file as “file”."]})
        try:
            result = excel.import_catalog(actor=request.user, fileobj=upload)
        except excel.CatalogImportError as exc:
            return Response({"file": [str(r) for r in exc.rows], "rows": [r.__dict__ for r in exc.rows]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(ImportResultSerializer(result).data)
