"""Notice texts move from a JSON column to a packed one (core.packed): the same paragraphs,
deflated against the notices' common wording, in about a third of the bytes."""

from django.db import migrations

import shenpi.core.packed

BATCH = 2000


def _copy(apps, source: str, target: str) -> None:
    Notice = apps.get_model("cases", "Notice")
    last = 0
    while True:
        rows = list(Notice.objects.filter(pk__gt=last).order_by("pk").only("pk", source)[:BATCH])
        if not rows:
            return
        for row in rows:
            setattr(row, target, [str(p) for p in (getattr(row, source) or [])])
        Notice.objects.bulk_update(rows, [target])
        last = rows[-1].pk


def pack_texts(apps, schema_editor):
    _copy(apps, "body", "body_packed")


def unpack_texts(apps, schema_editor):
    _copy(apps, "body_packed", "body")


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
