"""Organisation API: thin views over the services in services.py."""

from typing import Any

from rest_framework import mixins, serializers, viewsets

from shenpi.catalog.models import Item
from shenpi.core.api import NumericIds

from . import services
from .models import Centre, Department, ProjectGroup, Staff, Window
from .permissions import ReadAnyoneWriteCentreAdmin, StaffReadCentreAdminWrite
from .roles import Role, has_role, is_centre_admin, is_staff_member
from .selectors import staff_visible_to


class CentreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Centre
        fields = ["id", "name", "code", "parent", "address", "hotline", "opening_hours", "is_subcentre"]
        validators: list = []  # uniqueness is the service's to check, with the same message everywhere


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "credit_code", "centre"]
        validators: list = []
        extra_kwargs: dict = {"name": {"validators": []}, "credit_code": {"validators": []}}


class ProjectGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectGroup
        fields = ["id", "kind", "name", "departments"]
        extra_kwargs: dict = {"kind": {"validators": []}}


class WindowSerializer(serializers.ModelSerializer):
    accept_items = serializers.PrimaryKeyRelatedField(many=True, queryset=Item.objects.all(), required=False)
    decide_items = serializers.PrimaryKeyRelatedField(many=True, queryset=Item.objects.all(), required=False)

    class Meta:
        model = Window
        fields = ["id", "centre", "number", "name", "department", "accept_items", "decide_items", "video_url_template"]
        validators: list = []
        extra_kwargs: dict = {"video_url_template": {"required": False,
                                                     "help_text": "The window camera's address: staff only"}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not is_staff_member(request.user):
            data.pop("video_url_template", None)  # where the cameras are is not public
        return data


class StaffSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", required=False)
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)

    class Meta:
        model = Staff
        fields = ["id", "username", "password", "name", "department", "window", "employment", "position",
                  "phone", "roles"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["roles"] = sorted(g.name for g in instance.user.groups.all())
        request = self.context.get("request")
        viewer = request.user if request is not None else None
        if not (viewer and (is_centre_admin(viewer) or has_role(viewer, Role.SUPERVISOR, Role.LEADER)
                            or instance.user_id == viewer.pk
                            or (instance.department_id and instance.department_id == getattr(
                                getattr(viewer, "staff", None), "department_id", None)))):
            data["phone"] = ""  # a work mobile is for the centre, its supervisors and one's own department
        return data


class ServiceViewSet(NumericIds, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Create and update go through ``service(actor=..., <name>=instance or None, **data)``."""

    service: Any = None
    instance_kwarg = ""

    def perform_create(self, serializer):
        serializer.instance = type(self).service(actor=self.request.user, **self.service_data(serializer))

    def perform_update(self, serializer):
        serializer.instance = type(self).service(
            actor=self.request.user, **{self.instance_kwarg: serializer.instance}, **self.service_data(serializer))

    def service_data(self, serializer):
        return dict(serializer.validated_data)


class CentreViewSet(ServiceViewSet):
    queryset = Centre.objects.all()
    serializer_class = CentreSerializer
    permission_classes = [ReadAnyoneWriteCentreAdmin]
    service = staticmethod(services.save_centre)
    instance_kwarg = "centre"


class DepartmentViewSet(ServiceViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    permission_classes = [ReadAnyoneWriteCentreAdmin]
    service = staticmethod(services.save_department)
    instance_kwarg = "department"


class WindowViewSet(ServiceViewSet):
    queryset = Window.objects.select_related("centre").prefetch_related("accept_items", "decide_items")
    serializer_class = WindowSerializer
    permission_classes = [ReadAnyoneWriteCentreAdmin]
    service = staticmethod(services.save_window)
    instance_kwarg = "window"


class ProjectGroupViewSet(NumericIds, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          viewsets.GenericViewSet):
    """Posting a group of a kind sets that group's name and departments."""

    queryset = ProjectGroup.objects.prefetch_related("departments")
    serializer_class = ProjectGroupSerializer
    permission_classes = [ReadAnyoneWriteCentreAdmin]

    def perform_create(self, serializer):
        serializer.instance = services.set_project_group(actor=self.request.user, **serializer.validated_data)


class StaffViewSet(ServiceViewSet):
    queryset = Staff.objects.none()  # for the schema; requests use staff_visible_to
    serializer_class = StaffSerializer
    permission_classes = [StaffReadCentreAdminWrite]
    service = staticmethod(services.save_staff)
    instance_kwarg = "staff"

    def get_queryset(self):
        return staff_visible_to(self.request.user)

    def service_data(self, serializer):
        data = dict(serializer.validated_data)
        user = data.pop("user", {})
        if "username" in user and serializer.instance is None:
            data["username"] = user["username"]
        return data
