from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shenpi.core"
    label = "core"
