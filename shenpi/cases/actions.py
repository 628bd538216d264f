"""One table of the actions a person takes on a case: action → input serializer → service, with
the words the staff pages say when it is done. The API (cases/api.py) and the staff pages
(staff/case_views.py) both read an action's input through it, so it is parsed once, one way;
the services check the law and the rights again under the case's lock."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import services
from .models import Case, StepTask, Suspension


def _materials(label) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list,
                                 label=label)


class VersionIn(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, label=_("case version"),
                                       help_text="The case version you acted on; a stale one gets 409")


class AcceptIn(VersionIn):
    paper_materials = _materials(_("materials handed in on paper"))
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="Why a conditional material not handed in does not apply")


class SupplementIn(VersionIn):
    materials = _materials(_("materials to supply"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ResubmitIn(VersionIn):
    paper_materials = _materials(_("materials handed in on paper"))
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="What was handed in for the supplement notice's other points")


class RefuseIn(VersionIn):
    reasons = serializers.CharField(allow_blank=True)
    competent_agency = serializers.CharField(required=False, allow_blank=True, default="")


class SuspendIn(VersionIn):
    kind = serializers.ChoiceField(choices=Suspension.Kind.choices, label=_("kind of special procedure"))
    reason = serializers.CharField(allow_blank=True)
    expected_days = serializers.IntegerField(min_value=1, max_value=365, label=_("expected working days"))


class ResumeIn(VersionIn):
    result = serializers.CharField(required=False, allow_blank=True, default="")


class ExtendIn(VersionIn):
    days = serializers.IntegerField(label=_("working days of extension"))
    reason = serializers.CharField(allow_blank=True)


class FeeIn(serializers.Serializer):
    fee = serializers.IntegerField()
    amount_fen = serializers.IntegerField()


class DecideIn(VersionIn):
    decision = serializers.ChoiceField(choices=Case.Decision.choices, label=_("decision"))
    licence_number = serializers.CharField(required=False, allow_blank=True, default="")
    reasons = serializers.CharField(required=False, allow_blank=True, default="")
    remedies = serializers.CharField(required=False, allow_blank=True, default="")
    fees = FeeIn(many=True, required=False, default=list)


class DeliverIn(VersionIn):
    method = serializers.CharField(allow_blank=True)
    on = serializers.DateField(required=False, allow_null=True, default=None, label=_("delivered on"))


class CloseIn(VersionIn):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteStepIn(VersionIn):
    outcome = serializers.ChoiceField(choices=StepTask.Outcome.choices, label=_("outcome"))
    opinion = serializers.CharField(allow_blank=True)
    return_to_stage = serializers.IntegerField(required=False, allow_null=True, default=None,
                                               label=_("stage to return to"))


class ReassignIn(VersionIn):
    assignee = serializers.CharField(help_text="User name")
    reason = serializers.CharField(allow_blank=True, help_text="Why the step changes hands")


@dataclass(frozen=True)
class CaseAction:
    input: type[serializers.Serializer]
    service: Callable[..., Case]
    done: Promise  # what the staff pages say when it is done


ACTIONS: dict[str, CaseAction] = {
    "accept": CaseAction(AcceptIn, services.accept, _("Accepted; the acceptance notice is issued.")),
    "supplement": CaseAction(SupplementIn, services.supplement, _("Supplement notice sent.")),
    "resubmit": CaseAction(ResubmitIn, services.resubmit,
                           _("Resubmission recorded; the acceptance period starts again.")),
    "refuse": CaseAction(RefuseIn, services.refuse, _("Refused; the refusal notice is issued.")),
    "suspend": CaseAction(SuspendIn, services.suspend, _("Special procedure started; the applicant is told.")),
    "resume": CaseAction(ResumeIn, services.resume, _("Special procedure ended; the due dates moved.")),
    "extend": CaseAction(ExtendIn, services.extend, _("Limit extended; the applicant is told.")),
    "decide": CaseAction(DecideIn, services.decide, _("Decision recorded; the decision is issued.")),
    "deliver": CaseAction(DeliverIn, services.deliver, _("Delivery recorded.")),
    "withdraw": CaseAction(CloseIn, services.withdraw, _("Application withdrawn.")),
    "terminate": CaseAction(CloseIn, services.terminate, _("Handling terminated; the applicant is told.")),
}
# Actions on one step of a case: the service takes the step's id too.
STEP_ACTIONS: dict[str, CaseAction] = {
    "complete_step": CaseAction(CompleteStepIn, services.complete_step, _("Step completed.")),
}


def parse(table: dict[str, CaseAction], name: str, data: Any) -> tuple[dict, int | None]:
    """An action's input, validated and converted (a JSON body or a form's fields alike): the
    service's arguments and the case version it was taken on. Raises DRF's ValidationError,
    naming each field."""
    serializer = table[name].input(data=data)
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    return values, values.pop("version", None)


def field_label(table: dict[str, CaseAction], name: str, field: str) -> str:
    """The words for one of an action's fields, for a message on a page."""
    found = table[name].input().fields.get(field)
    return str(found.label) if found is not None and found.label else field


def perform(table: dict[str, CaseAction], name: str, *, actor, case: Case, values: dict,
            version: int | None = None, **target) -> Case:
    """Run the action's service with the parsed input (``target``: the step, for a step action)."""
    return table[name].service(actor=actor, case=case, expected_version=version, **target, **values)
