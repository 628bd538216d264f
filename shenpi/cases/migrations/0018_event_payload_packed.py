"""A case event's payload moves from a JSON column to a packed one (core.packed): the same
values, deflated against the record's common wording (audit.packing), as audit entries are."""

import django.core.serializers.json
from django.db import migrations

import shenpi.core.packed


def _copy(apps, schema_editor, source: str, target: str) -> None:
    shenpi.core.packed.copy_column(apps.get_model("cases", "CaseEvent"), schema_editor, source, target,
                                   lambda value: value if value is not None else {})


def pack_payloads(apps, schema_editor):
    _copy(apps, schema_editor, "payload", "payload_packed")


def unpack_payloads(apps, schema_editor):
    _copy(apps, schema_editor, "payload_packed", "payload")


class Migration(migrations.Migration):

    dependencies = [("cases", "0017_message_text_packed"), ("audit", "0006_record_values_packed")]

    operations = [
        migrations.AddField(
            model_name="caseevent", name="payload_packed",
            field=shenpi.core.packed.PackedJSONField(
                default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder,
                dictionaries="shenpi.audit.packing.RECORD_DICTIONARIES")),
        migrations.RunPython(pack_payloads, unpack_payloads, elidable=False),
        migrations.RemoveField(model_name="caseevent", name="payload"),
        migrations.RenameField(model_name="caseevent", old_name="payload_packed", new_name="payload"),
    ]
