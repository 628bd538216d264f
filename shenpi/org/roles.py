"""Staff roles. Each role is a Django group whose name is the role's code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", _("Window clerk")  # 窗口受理人员
    HANDLER = "handler", _("Handler")  # 承办人
    REVIEWER = "reviewer", _("Reviewer")  # 审核人
    APPROVER = "approver", _("Approver")  # 核准人
    CHIEF_REP = "chief_rep", _("Chief representative")  # 首席代表
    DEPT_HEAD = "dept_head", _("Department head")  # 部门负责人
    CENTRE_ADMIN = "centre_admin", _("Centre administrator")  # 中心管理员
    SUPERVISOR = "supervisor", _("Supervisor")  # 监察员
    LEADER = "leader", _("Leader")  # 领导


# Roles that act for one department and so need one.
DEPARTMENT_ROLES = {
    Role.WINDOW_CLERK, Role.HANDLER, Role.REVIEWER, Role.APPROVER, Role.CHIEF_REP, Role.DEPT_HEAD,
}


def remember_roles(user, roles: set[str]) -> None:
    """Keep a user's roles, read with the user (org.store), for the rest of the request."""
    user._shenpi_roles = set(roles)


def roles_of(user) -> set[str]:
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_shenpi_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._shenpi_roles = cached
    return cached


def has_role(user, *roles) -> bool:
    return bool(roles_of(user) & {str(r) for r in roles})


def is_centre_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or has_role(user, Role.CENTRE_ADMIN)))


def is_staff_member(user) -> bool:
    """Anyone working for the centre or a department (not an applicant)."""
    return bool(user and user.is_authenticated and (user.is_superuser or roles_of(user)))
