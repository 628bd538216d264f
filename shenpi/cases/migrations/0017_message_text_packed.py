"""Message texts move to a packed column (core.packed): the same text, deflated against the
messages' common wording, in about half the bytes."""

from django.db import migrations, models

import shenpi.core.packed

BATCH = 2000


def _copy(apps, schema_editor, source: str, target: str) -> None:
    """Each row's text from one column to the other, a batch at a time (one UPDATE per row,
    sent together: Django's bulk_update builds a CASE of every row of the batch for each)."""
    model = apps.get_model("cases", "Outbox")
    to = model._meta.get_field(target)
    connection = schema_editor.connection
    sql = (f"UPDATE cases_outbox SET {connection.ops.quote_name(to.column)} = %s "
           f"WHERE {connection.ops.quote_name('id')} = %s")
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", source)[:BATCH])
        if not rows:
            return
        texts = [(str(value or ""), pk) for pk, value in rows]
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(to.get_db_prep_save(text, connection), pk) for text, pk in texts])
        last = rows[-1][0]


def pack_texts(apps, schema_editor):
    _copy(apps, schema_editor, "body", "body_packed")


def unpack_texts(apps, schema_editor):
    _copy(apps, schema_editor, "body_packed", "body")


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
        migrations.RunPython(pack_texts, unpack_texts, elidable=False),
        migrations.RemoveField(model_name="outbox", name="body"),
        migrations.RenameField(model_name="outbox", old_name="body_packed", new_name="body"),
        migrations.AlterField(
            model_name="outbox", name="body",
            field=shenpi.core.packed.PackedTextField(
                dictionaries="shenpi.cases.packing.MESSAGE_DICTIONARIES", verbose_name="message")),
    ]
