"""Notice texts move from a JSON column to a packed one (core.packed): the same paragraphs,
deflated against the notices' common wording, in about a third of the bytes."""

from django.db import migrations

import shenpi.core.packed


class Migration(migrations.Migration):

    dependencies = [("cases", "0015_archive_is_one_deflated_document")]

    operations = [
        migrations.AddField(
            model_name="notice", name="body_packed",
            field=shenpi.core.packed.PackedLinesField(
                default=list, dictionaries="shenpi.cases.packing.NOTICE_DICTIONARIES", verbose_name="text")),
        shenpi.core.packed.packing_operation("cases", "Notice", ["body"], lambda value: [str(p) for p in (value or [])]),
        migrations.RemoveField(model_name="notice", name="body"),
        migrations.RenameField(model_name="notice", old_name="body_packed", new_name="body"),
    ]
