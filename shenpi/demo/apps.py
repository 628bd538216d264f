from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city centre: its departments, items, staff and living cases (`shenpi demo-data`).
    It sits above every other app, as a user of their services would."""

    name = "shenpi.demo"
    label = "demo"
    verbose_name = _("Demo centre")
