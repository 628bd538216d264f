from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JointConfig(AppConfig):
    name = "shenpi.joint"
    label = "joint"
    verbose_name = _("Joint acceptance")

    def ready(self):
        from shenpi.cases.signals import decided
        from shenpi.core import stamps

        from . import models
        from .services import issue_opinion
        decided.connect(issue_opinion, dispatch_uid="joint.issue_opinion")
        stamps.watch(models.Bundle, models.BundleItem)  # the catalog lists the "one thing" bundles
