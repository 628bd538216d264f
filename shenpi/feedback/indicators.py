"""The indicators a rating may tick (好差评 评价指标), one set for online service and one for the
window, as the national rating system divides them: the applicant ticks what was good, or for
a poor rating what fell short."""

from django.utils.translation import gettext_lazy as _

ONLINE = {
    "guide": _("The guide was clear and correct"),  # 办事指南清晰准确
    "easy": _("Applying online was easy"),  # 网上申报便捷
    "progress": _("Progress could be followed"),  # 办理进度可查
    "fast": _("It was handled quickly"),  # 办理快捷
}
OFFLINE = {
    "attitude": _("Staff were courteous"),  # 服务态度
    "once": _("I was told everything at once"),  # 一次性告知
    "efficiency": _("The window worked efficiently"),  # 办事效率
    "environment": _("The hall was clean and orderly"),  # 窗口环境
}
ALL = {**ONLINE, **OFFLINE}


def for_case(case, channel: str) -> dict:
    """The set the form shows: the window's for a rating at the counter or a case received at
    a window, the online set for a case applied for online."""
    return OFFLINE if channel == "window" or case.channel != "online" else ONLINE


def labels(codes) -> list:
    return [ALL[c] for c in codes if c in ALL]
