from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "shenpi.catalog"
    label = "catalog"
    verbose_name = _("Item catalog")

    def ready(self):
        from shenpi.core import stamps

        from . import models
        # The public catalog and guides show every row of the catalog.
        stamps.watch(models.Item, models.ItemVersion, models.Material, models.Fee, models.FlowStage,
                     models.FlowStep, models.ReformRecord)
