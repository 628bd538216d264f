from django.db import migrations


def seed(apps, schema_editor):
    from shenpi.workdays.source import days

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarVersion = apps.get_model("workdays", "CalendarVersion")
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_workday=w, name=n) for d, w, n in days()], batch_size=2000)
    CalendarVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
