from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "shenpi.staff"
    label = "staff"
