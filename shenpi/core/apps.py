from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shenpi.core"
    label = "core"
    verbose_name = _("System")
    default = True  # two configs live here; this one is the app's

    def ready(self):
        from . import tasks  # noqa: F401  (the periodic purge of expired guard counters)


class AxesConfig(axes_apps.AppConfig):
    """django-axes (login lockout) as it is, under a Chinese name in the admin; its models'
    names are translated in Shenpi's own catalogue (core/third_party.py)."""

    default = False
    verbose_name = _("Login lockout")
