from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "shenpi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from shenpi.audit.labels import register
        from shenpi.workdays.signals import years_added

        from .lifecycle import Action
        register({f"case.{a.value}": a.label for a in Action})

        from .services import recount_provisional
        # When a year's schedule is entered, the dates counted provisionally in it are recounted
        # in the same transaction (standards.md §1).
        years_added.connect(recount_provisional, dispatch_uid="cases.recount_provisional")

        from . import tasks  # noqa: F401 - registers the lifecycle's periodic sweeps
