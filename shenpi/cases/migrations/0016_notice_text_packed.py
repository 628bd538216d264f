"""Notice texts move from a JSON column to a packed one (core.packed): the same paragraphs,
deflated against the notices' common wording, in about a third of the bytes."""

from django.db import migrations

import shenpi.core.packed

BATCH = 2000


def _copy(apps, schema_editor, source: str, target: str) -> None:
    """Each row's text from one column to the other, a batch at a time (one UPDATE per row,
    sent together: Django's bulk_update builds a CASE of every row of the batch for each)."""
    model = apps.get_model("cases", "Notice")
    to = model._meta.get_field(target)
    connection = schema_editor.connection
    sql = (f"UPDATE cases_notice SET {connection.ops.quote_name(to.column)} = %s "
           f"WHERE {connection.ops.quote_name('id')} = %s")
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", source)[:BATCH])
        if not rows:
            return
        texts = [([str(p) for p in (value or [])], pk) for pk, value in rows]
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(to.get_db_prep_save(text, connection), pk) for text, pk in texts])
        last = rows[-1][0]


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
