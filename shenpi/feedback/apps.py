from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "shenpi.feedback"
    label = "feedback"
    verbose_name = _("Complaints and ratings")

    def ready(self):
        from shenpi.cases.signals import message_extra

        from . import tasks  # noqa: F401  (registers the periodic warnings)
        from .services import rating_link_line
        message_extra.connect(rating_link_line, dispatch_uid="feedback.rating_link_line")
