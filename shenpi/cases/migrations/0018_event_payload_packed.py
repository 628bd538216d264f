"""A case event's payload moves from a JSON column to a packed one (core.packed): the same
values, deflated against the record's common wording (audit.packing), as audit entries are."""

import django.core.serializers.json
from django.db import migrations

import shenpi.core.packed


class Migration(migrations.Migration):

    dependencies = [("cases", "0017_message_text_packed"), ("audit", "0006_record_values_packed")]

    operations = [
        migrations.AddField(
            model_name="caseevent", name="payload_packed",
            field=shenpi.core.packed.PackedJSONField(
                default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder,
                dictionaries="shenpi.audit.packing.RECORD_DICTIONARIES")),
        shenpi.core.packed.packing_operation("cases", "CaseEvent", ["payload"],
                                             lambda value: value if value is not None else {}),
        migrations.RemoveField(model_name="caseevent", name="payload"),
        migrations.RenameField(model_name="caseevent", old_name="payload_packed", new_name="payload"),
    ]
