from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "shenpi.org"
    label = "org"
    verbose_name = _("Centre organisation")

    def ready(self):
        from . import accounts  # noqa: F401  (its signal receivers: failures per address, tokens at logout)
