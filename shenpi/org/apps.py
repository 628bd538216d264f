from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "shenpi.org"
    label = "org"
    verbose_name = _("Centre organisation")

    def ready(self):
        from shenpi.core import stamps

        from . import accounts, models, tasks  # noqa: F401  (signal receivers; the periodic purge of expired tokens)
        # The public pages name centres, departments and windows.
        stamps.watch(models.Centre, models.Department, models.Window)
