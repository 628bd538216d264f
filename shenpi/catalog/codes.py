"""National code sets of GB/T 39046-2020 (政务服务平台基础数据规范) used by the catalog.

The stored values are the national codes, so exchange needs no mapping; the labels are
translated in the UI.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):  # 事项类型
    GENERAL_POWER = "00", _("Administrative power (general)")
    LICENSING = "01", _("Administrative licensing")
    PENALTY = "02", _("Administrative penalty")
    COERCION = "03", _("Administrative coercion")
    LEVY = "04", _("Administrative levy")
    BENEFIT = "05", _("Administrative benefit")
    INSPECTION = "06", _("Administrative inspection")
    CONFIRMATION = "07", _("Administrative confirmation")
    REWARD = "08", _("Administrative reward")
    ADJUDICATION = "09", _("Administrative adjudication")
    OTHER = "10", _("Other power")
    INTERNAL_APPROVAL = "11", _("Internal government approval")
    PUBLIC_SERVICE = "20", _("Public service")


class Level(models.TextChoices):  # 行使层级
    NATIONAL = "1", _("National")
    PROVINCE = "2", _("Provincial")
    CITY = "3", _("City")
    COUNTY = "4", _("County")
    TOWN = "5", _("Town")
    VILLAGE = "6", _("Village")
    TIERED = "7", _("Tiered")


class ServiceObject(models.TextChoices):  # 服务对象
    PERSON = "1", _("Natural person")
    ENTERPRISE = "2", _("Enterprise")
    INSTITUTION = "3", _("Public institution")
    SOCIAL_ORG = "4", _("Social organisation")
    AGENCY = "5", _("Government agency")
    OTHER = "6", _("Other organisation")


class SubjectNature(models.TextChoices):  # 实施主体性质
    STATUTORY = "1", _("Statutory agency")
    AUTHORISED = "2", _("Authorised organisation")
    ENTRUSTED = "3", _("Entrusted organisation")
    OTHER = "9", _("Other")


class HandlingForm(models.TextChoices):  # 办理形式
    WINDOW = "1", _("At a window")
    ONLINE = "2", _("Online")
    MOBILE = "3", _("Mobile")
    POST = "4", _("By post")
    OTHER = "9", _("Other")


class Category(models.TextChoices):
    """办件类型. The notice's three classes; 一审一核件 exports as national 2 (承诺件)."""

    INSTANT = "instant", _("Instant (decided at once)")  # 即办件
    REVIEW_APPROVE = "review_approve", _("One review, one approval")  # 一审一核件
    PROMISED = "promised", _("Promised")  # 承诺件

    @classmethod
    def national_code(cls, value) -> str:
        return "1" if value == cls.INSTANT else "2"


class ReformStatus(models.TextChoices):  # 改革状态 (四个一批)
    RETAINED = "retained", _("Retained")  # 保留
    CANCELLED = "cancelled", _("Cancelled")  # 取消
    DELEGATED = "delegated", _("Delegated to county level")  # 下放
    SEALED = "sealed", _("Sealed")  # 封存
    TRANSFERRED = "transferred", _("Transferred to the market")  # 转移
    POST_SUPERVISION = "post_supervision", _("Post-event supervision")  # 改为事后监管/告知承诺


# Statuses under which the item no longer takes a new case at this centre.
CLOSED_STATUSES = {ReformStatus.CANCELLED, ReformStatus.SEALED, ReformStatus.TRANSFERRED, ReformStatus.DELEGATED}
