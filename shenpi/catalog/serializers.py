from rest_framework import serializers

from shenpi.org.models import Centre, Department
from shenpi.org.roles import Role

from .codes import (
    Category,
    HandlingForm,
    ItemType,
    Level,
    ReformStatus,
    ServiceObject,
    SubjectNature,
)
from .models import Material, ReformRecord


class StepSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    role = serializers.ChoiceField(choices=Role.choices)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    budget = serializers.IntegerField(min_value=0, max_value=365, help_text="Working days")


class StageSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    steps = StepSerializer(many=True)


class MaterialSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    originals = serializers.IntegerField(min_value=0, max_value=99, default=1)
    copies = serializers.IntegerField(min_value=0, max_value=99, default=0)
    requirement = serializers.ChoiceField(choices=Material.Requirement.choices, default=Material.Requirement.REQUIRED)
    condition = serializers.CharField(max_length=200, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class FeeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    standard_fen = serializers.IntegerField(min_value=0, help_text="Standard charge in fen (1/100 yuan)")
    unit = serializers.CharField(max_length=40, allow_blank=True, default="")
    legal_basis = serializers.CharField(max_length=300)


class ContentSerializer(serializers.Serializer):
    """Everything a version (and so a service guide) holds."""

    name = serializers.CharField(max_length=200)
    item_type = serializers.ChoiceField(choices=ItemType.choices)
    level = serializers.ChoiceField(choices=Level.choices, default=Level.CITY)
    subject_nature = serializers.ChoiceField(choices=SubjectNature.choices, default=SubjectNature.STATUTORY)
    service_objects = serializers.ListField(child=serializers.ChoiceField(choices=ServiceObject.choices))
    category = serializers.ChoiceField(choices=Category.choices)
    legal_basis = serializers.CharField()
    conditions = serializers.CharField(allow_blank=True, default="")
    statutory_limit = serializers.IntegerField(min_value=0, max_value=3650, help_text="Working days")
    promised_limit = serializers.IntegerField(min_value=0, max_value=3650, help_text="Working days")
    handling_forms = serializers.ListField(child=serializers.ChoiceField(choices=HandlingForm.choices))
    visits = serializers.IntegerField(min_value=0, max_value=9, default=1)
    centre = serializers.PrimaryKeyRelatedField(queryset=Centre.objects.all())
    location = serializers.CharField(max_length=200, allow_blank=True, default="")
    hotline = serializers.CharField(max_length=40, allow_blank=True, default="")
    change_note = serializers.CharField(max_length=200, allow_blank=True, default="")
    materials = MaterialSerializer(many=True)
    fees = FeeSerializer(many=True)
    stages = StageSerializer(many=True)


class ItemCreateSerializer(ContentSerializer):
    basic_code = serializers.CharField(max_length=10)
    implementation_code = serializers.CharField(max_length=24)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())


class ItemSummarySerializer(serializers.Serializer):
    """A row of the catalog: one item with its effective version."""

    id = serializers.IntegerField(source="item_id")
    implementation_code = serializers.CharField(source="item.implementation_code")
    basic_code = serializers.CharField(source="item.basic_code")
    department = serializers.IntegerField(source="item.department_id")
    department_name = serializers.CharField(source="item.department.name")
    name = serializers.CharField()
    version = serializers.IntegerField(source="number")
    item_type = serializers.CharField()
    category = serializers.CharField()
    statutory_limit = serializers.IntegerField()
    promised_limit = serializers.IntegerField()
    online = serializers.BooleanField()
    reform_status = serializers.ChoiceField(choices=ReformStatus.choices)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.CharField()
    name = serializers.CharField()
    change_note = serializers.CharField()
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)


class ItemDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    implementation_code = serializers.CharField()
    basic_code = serializers.CharField()
    department = serializers.IntegerField(source="department_id")
    reform_status = serializers.ChoiceField(choices=ReformStatus.choices)
    version = serializers.IntegerField(allow_null=True)
    content = ContentSerializer(allow_null=True)
    has_draft = serializers.BooleanField()


class ReformRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReformRecord
        fields = ["id", "status", "effective_date", "document_number", "delegated_to", "note", "created_at"]
        read_only_fields = ["id", "created_at"]


class AvailabilitySerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    reason = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
