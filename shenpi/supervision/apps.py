from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "shenpi.supervision"
    label = "supervision"
    verbose_name = _("Electronic supervision")

    def ready(self):
        from . import tasks  # noqa: F401  (the warning sweep, registered with core.periodic)
