"""Message texts move to a packed column (core.packed): the same text, deflated against the
messages' common wording, in about half the bytes."""

from django.db import migrations, models

import shenpi.core.packed


class Migration(migrations.Migration):

    dependencies = [("cases", "0016_notice_text_packed")]

    operations = [
        # A default for the old column, so that undoing this migration can add it back to rows.
        migrations.AlterField(model_name="outbox", name="body",
                              field=models.TextField(default="", verbose_name="message")),
        migrations.AddField(
            model_name="outbox", name="body_packed",
            field=shenpi.core.packed.PackedTextField(
                default="", dictionaries="shenpi.cases.packing.MESSAGE_DICTIONARIES", verbose_name="message")),
        shenpi.core.packed.packing_operation("cases", "Outbox", ["body"], lambda value: str(value or "")),
        migrations.RemoveField(model_name="outbox", name="body"),
        migrations.RenameField(model_name="outbox", old_name="body_packed", new_name="body"),
        migrations.AlterField(
            model_name="outbox", name="body",
            field=shenpi.core.packed.PackedTextField(
                dictionaries="shenpi.cases.packing.MESSAGE_DICTIONARIES", verbose_name="message")),
    ]
