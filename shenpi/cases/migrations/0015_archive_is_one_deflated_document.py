"""Issue 16, archiving: the archive holds the case's history too, as one deflated document
(with a shared preset dictionary) instead of PostgreSQL-compressed JSON columns; the sender's
index keeps only the unsent messages."""

import json
import zlib

import django.db.models.deletion
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models


def pack_existing(apps, schema_editor):
    """Archives made by 0013's layout: their notices and messages, with no history moved, into
    a document deflated without a dictionary (cases/archive.py reads it as any other)."""
    CaseArchive = apps.get_model("cases", "CaseArchive")
    for archive in CaseArchive.objects.all().iterator(chunk_size=500):
        raw = json.dumps({"notices": archive.notices, "messages": archive.messages, "events": []},
                         ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder).encode()
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY)
        CaseArchive.objects.filter(pk=archive.pk).update(document=deflate.compress(raw) + deflate.flush())


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0014_watched_index_carries_the_lights'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='outbox',
            name='cases_outbo_sent_at_6592ee_idx',
        ),
        migrations.AddIndex(
            model_name='outbox',
            index=models.Index(condition=models.Q(('sent_at__isnull', True)), fields=['created_at'],
                               name='outbox_unsent'),
        ),
        migrations.CreateModel(
            name='ArchiveDictionary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('made_at', models.DateTimeField(verbose_name='made')),
                ('data', models.BinaryField(verbose_name='dictionary')),
            ],
            options={
                'verbose_name': 'archive dictionary',
                'verbose_name_plural': 'archive dictionaries',
            },
        ),
        migrations.AddField(
            model_name='casearchive',
            name='dictionary',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='cases.archivedictionary', verbose_name='dictionary'),
        ),
        migrations.AddField(
            model_name='casearchive',
            name='document',
            field=models.BinaryField(default=b'', verbose_name='document'),
            preserve_default=False,
        ),
        migrations.RunPython(pack_existing),  # one way: the history moved since has no columns to go back to
        migrations.RemoveField(
            model_name='casearchive',
            name='messages',
        ),
        migrations.RemoveField(
            model_name='casearchive',
            name='notices',
        ),
    ]
