from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "shenpi.portal"
    label = "portal"
