"""The case lifecycle: one table of every allowed transition (design.md).

Each row: the action, the states it may start from, the state it leads to (None: the state
stays, or the service chooses one of the listed outcomes), and who may take it. The services
in services.py check this table, and nothing else changes a case's state.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")  # materials received (已收件)
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting supplement")  # 补正中
    NOT_ACCEPTED = "not_accepted", _("Not accepted")  # 不予受理
    ACCEPTED = "accepted", _("In progress")  # 已受理, steps running
    SUSPENDED = "suspended", _("Suspended")  # 特别程序
    APPROVED = "approved", _("Approved")  # 准予许可
    DENIED = "denied", _("Denied")  # 不予许可
    DELIVERED = "delivered", _("Delivered")  # 已送达 (办结)
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 撤回
    TERMINATED = "terminated", _("Terminated")  # 终止


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    ACCEPT = "accept", _("Accept")
    SUPPLEMENT = "supplement", _("Request supplement")
    RESUBMIT = "resubmit", _("Resubmit")
    REFUSE = "refuse", _("Refuse to accept")
    DEEM_ACCEPT = "deem_accept", _("Deemed accepted")
    COMPLETE_STEP = "complete_step", _("Complete step")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    EXTEND = "extend", _("Extend")
    DECIDE = "decide", _("Decide")
    DELIVER = "deliver", _("Deliver")
    WITHDRAW = "withdraw", _("Withdraw")
    TERMINATE = "terminate", _("Terminate")
    REASSIGN = "reassign", _("Reassign step")
    # Not transitions: entries of a case's history beside them.
    ADD_MATERIAL = "add_material", _("Material added")
    RECOUNT = "recount", _("Dates recounted")
    CLAIM = "claim", _("Taken for pre-review")
    RELEASE = "release", _("Put back in the inbox")


class Who(models.TextChoices):
    """Kinds of actor; cases/permissions.py decides whether a user is one for a given case."""

    APPLICANT = "applicant"
    CLERK = "clerk"  # a window clerk whose window accepts the item
    WINDOW_DECIDER = "window_decider"  # a clerk or chief representative whose window decides the item
    ASSIGNEE = "assignee"  # the person a step is assigned to
    APPROVER = "approver"  # the department's approver, chief representative or head
    LEADER = "leader"  # the department head (reassignment)
    HEAD = "head"  # the department head (部门负责人) alone: Art. 42's extension
    GOVERNMENT = "government"  # a government leader (领导): Art. 42's extension of joint handling
    SYSTEM = "system"


OPEN = (State.SUBMITTED, State.AWAITING_SUPPLEMENT, State.ACCEPTED, State.SUSPENDED)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None
    who: tuple[str, ...]
    outcomes: tuple[str, ...] = ()  # where the service chooses the target: the states it may choose


TRANSITIONS = {t.action: t for t in (
    # A case begins here (no state before it).
    Transition(Action.SUBMIT, (), State.SUBMITTED, (Who.APPLICANT, Who.CLERK)),
    Transition(Action.ACCEPT, (State.SUBMITTED,), State.ACCEPTED, (Who.CLERK,)),
    Transition(Action.SUPPLEMENT, (State.SUBMITTED,), State.AWAITING_SUPPLEMENT, (Who.CLERK,)),
    Transition(Action.RESUBMIT, (State.AWAITING_SUPPLEMENT,), State.SUBMITTED, (Who.APPLICANT, Who.CLERK)),
    Transition(Action.REFUSE, (State.SUBMITTED, State.AWAITING_SUPPLEMENT), State.NOT_ACCEPTED, (Who.CLERK,)),
    Transition(Action.DEEM_ACCEPT, (State.SUBMITTED,), State.ACCEPTED, (Who.SYSTEM,)),
    Transition(Action.COMPLETE_STEP, (State.ACCEPTED,), None, (Who.ASSIGNEE,)),
    Transition(Action.REASSIGN, (State.ACCEPTED, State.SUSPENDED), None, (Who.LEADER,)),
    Transition(Action.SUSPEND, (State.ACCEPTED,), State.SUSPENDED, (Who.APPROVER,)),
    Transition(Action.RESUME, (State.SUSPENDED,), State.ACCEPTED, (Who.APPROVER,)),
    # Art. 42: the department head extends; for joint handling a government leader (permissions.who_may).
    Transition(Action.EXTEND, (State.ACCEPTED, State.SUSPENDED), None, (Who.HEAD, Who.GOVERNMENT)),
    # A 即办件 is decided at the window in the visit that brought it: straight from submitted.
    Transition(Action.DECIDE, (State.SUBMITTED, State.ACCEPTED), None, (Who.APPROVER, Who.WINDOW_DECIDER),
               outcomes=(State.APPROVED, State.DENIED)),
    Transition(Action.DELIVER, (State.APPROVED, State.DENIED), State.DELIVERED, (Who.CLERK, Who.APPROVER)),
    Transition(Action.WITHDRAW, OPEN, State.WITHDRAWN, (Who.APPLICANT, Who.CLERK)),
    Transition(Action.TERMINATE, OPEN, State.TERMINATED, (Who.APPROVER,)),
)}


def transition(action: str) -> Transition:
    return TRANSITIONS[action]


def target(action: str, outcome: str | None = None) -> str:
    """The state an action leads to, from the table: its one target, or for an action whose
    outcome the service chooses (a decision), the chosen one, which must be one the table lists."""
    t = TRANSITIONS[action]
    if outcome is None and t.target is not None:
        return t.target
    if outcome is not None and outcome in t.outcomes:
        return outcome
    raise ValueError(f"{action!r} does not lead to {outcome!r}")


def allowed_from(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources


def actions_from(state: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if state in t.sources and Who.SYSTEM not in t.who]


def action_label(action: str) -> str:
    return str(Action(action).label) if action in Action.values else action
