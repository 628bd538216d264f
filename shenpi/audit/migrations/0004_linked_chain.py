from django.db import migrations, models


def mark(apps, schema_editor):
    head = apps.get_model("audit", "AuditHead").objects.filter(pk=1).first()
    if head is not None:
        head.prev_hash = head.hash
        head.linked_from = head.seq + 1
        head.save(update_fields=["prev_hash", "linked_from"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only")]
    operations = [
        migrations.AddField("audithead", "prev_hash", models.CharField(default="0" * 64, max_length=64)),
        migrations.AddField("audithead", "linked_from", models.BigIntegerField(default=1)),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
