"""Who may act on a case: the kinds of actor of lifecycle.Who, decided for one user and case."""

from shenpi.org.roles import Role, has_role

from . import store
from .lifecycle import Action, Who, transition


def staff_of(user):
    if not user or not user.is_authenticated:
        return None
    return getattr(user, "staff", None)


def _window_has(staff, field, case) -> bool:
    window = staff.window if staff else None
    if window is None or window.centre_id != case.centre_id:
        return False
    return store.window_has(window.pk, field, case.item_id, case)


def is_who(user, who: str, case, step=None) -> bool:
    staff = staff_of(user)
    if who == Who.APPLICANT:
        return bool(user and user.is_authenticated and case.applicant_user_id == user.pk)
    if who == Who.CLERK:
        return has_role(user, Role.WINDOW_CLERK) and _window_has(staff, "accept_items", case)
    if who == Who.WINDOW_DECIDER:
        return has_role(user, Role.WINDOW_CLERK, Role.CHIEF_REP) and _window_has(staff, "decide_items", case)
    if who == Who.ASSIGNEE:
        return step is not None and user.is_authenticated and step.assignee_id == user.pk
    if who == Who.APPROVER:
        return bool(staff and staff.department_id == case.department_id
                    and has_role(user, Role.APPROVER, Role.CHIEF_REP, Role.DEPT_HEAD))
    if who == Who.HEAD:
        return bool(staff and staff.department_id == case.department_id and has_role(user, Role.DEPT_HEAD))
    if who == Who.GOVERNMENT:
        return has_role(user, Role.LEADER)
    if who == Who.LEADER:
        department_id = step.department_id if step is not None else case.department_id
        return bool(staff and staff.department_id == department_id and has_role(user, Role.DEPT_HEAD, Role.CHIEF_REP))
    return False


def may(user, whos, case, step=None) -> bool:
    return any(is_who(user, w, case, step) for w in whos)


def who_may(action: str, case) -> tuple[str, ...]:
    """The kinds of actor for an action on this case: the table's, narrowed for a decision —
    a 即办件 is decided by a window authorised for it, every other item by its department."""
    if action == Action.DECIDE:
        from shenpi.catalog.codes import Category
        return (Who.WINDOW_DECIDER,) if case.version.category == Category.INSTANT else (Who.APPROVER,)
    if action == Action.EXTEND:
        # Art. 42: the agency head extends a decision limit; a joint handling's 15 days need a
        # government leader's approval.
        from .services import is_joint
        return (Who.GOVERNMENT,) if is_joint(case.version) else (Who.HEAD,)
    return transition(action).who


def may_act(user, action: str, case, step=None) -> bool:
    """A case handled in a department's own system (external_system, the exchange) is that
    system's to change: in Shenpi it is read and supervised, never acted on."""
    if getattr(case, "external_system", ""):
        return False
    return may(user, who_may(action, case), case, step)
