"""Notice texts move from a JSON column to a packed one (core.packed): the same paragraphs,
deflated against the notices' common wording, in about a third of the bytes."""

from django.db import migrations

import shenpi.core.packed


def _copy(apps, schema_editor, source: str, target: str) -> None:
    shenpi.core.packed.copy_column(apps.get_model("cases", "Notice"), schema_editor, source, target,
                                   lambda value: [str(p) for p in (value or [])])


def pack_texts(apps, schema_editor):
    _copy(apps, schema_editor, "body", "body_packed")


def unpack_texts(apps, schema_editor):
    _copy(apps, schema_editor, "body_packed", "body")


class Migration(migrations.Migration):

    dependencies = [("cases", "0015_archive_is_one_deflated_document")]

    operations = [
        migrations.AddField(
            model_name="notice", name="body_packed",
            field=shenpi.core.packed.PackedLinesField(
                default=list, dictionaries="shenpi.cases.packing.NOTICE_DICTIONARIES", verbose_name="text")),
        migrations.RunPython(pack_texts, unpack_texts, elidable=False),
        migrations.RemoveField(model_name="notice", name="body"),
        migrations.RenameField(model_name="notice", old_name="body_packed", new_name="body"),
    ]
