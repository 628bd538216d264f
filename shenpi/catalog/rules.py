"""The catalog's refusal rules, in one place for the API, the admin, import and publishing.

Each function takes plain content (see ``content_of``) and returns {field: [reasons]}; an
empty dict means the content may be saved.
"""

from collections import Counter, defaultdict

from django.utils.translation import gettext as _

from shenpi.org.roles import Role

from .codes import Category, HandlingForm, ReformStatus


def flow_days(stages) -> int:
    """Working days the flow needs: stages run one after another, steps in a stage in parallel."""
    return sum(max((s["budget"] for s in stage["steps"]), default=0) for stage in stages)


def content_errors(content: dict, *, department) -> dict[str, list[str]]:
    errors = defaultdict(list)
    statutory = content["statutory_limit"]
    promised = content["promised_limit"]
    category = content["category"]
    stages = content["stages"]

    # Notice §四(三)1: promised limits shorten the statutory ones, never lengthen them.
    if promised > statutory:
        errors["promised_limit"].append(
            _("The promised limit (%(promised)s working days) may not exceed the statutory limit (%(statutory)s).")
            % {"promised": promised, "statutory": statutory})
    if category == Category.INSTANT and promised != 0:
        errors["promised_limit"].append(
            _("An instant item is decided the same day: its promised limit must be 0 working days."))

    if not content.get("handling_forms"):
        errors["handling_forms"].append(_("Choose at least one way the item can be handled."))
    elif len(set(content["handling_forms"])) != len(content["handling_forms"]):
        errors["handling_forms"].append(_("A handling form is listed twice."))
    if not content.get("service_objects"):
        errors["service_objects"].append(_("Choose at least one service object."))
    elif len(set(content["service_objects"])) != len(content["service_objects"]):
        errors["service_objects"].append(_("A service object is listed twice."))
    if HandlingForm.ONLINE in content.get("handling_forms", []) and content.get("visits", 0) > 1:
        errors["visits"].append(_("An item handled online needs at most one visit."))

    names = Counter(m["name"].strip() for m in content["materials"])
    for name, count in names.items():
        if count > 1:
            errors["materials"].append(_("The material “%(name)s” is listed twice.") % {"name": name})
    for i, m in enumerate(content["materials"], 1):
        if m["requirement"] == "conditional" and not m.get("condition", "").strip():
            errors["materials"].append(_("Material %(n)s is conditional: say when it is required.") % {"n": i})
        if m["originals"] + m["copies"] == 0:
            errors["materials"].append(_("Material %(n)s asks for no original and no copy.") % {"n": i})
    for i, f in enumerate(content["fees"], 1):
        if f["standard_fen"] <= 0:
            errors["fees"].append(_("Fee %(n)s: the standard must be more than 0; a free item has no fees.") % {"n": i})

    if not stages:
        errors["stages"].append(_("The flow needs at least one stage."))
    for i, stage in enumerate(stages, 1):
        if not stage["steps"]:
            errors["stages"].append(_("Stage %(n)s (%(name)s) has no step.") % {"n": i, "name": stage["name"]})
    steps = [s for stage in stages for s in stage["steps"]]
    if stages and all(stage["steps"] for stage in stages):
        needed = flow_days(stages)
        if needed > promised:
            errors["stages"].append(
                _("The flow needs %(needed)s working days, more than the promised limit of %(promised)s.")
                % {"needed": needed, "promised": promised})
        if category == Category.REVIEW_APPROVE:
            roles = Counter(s["role"] for s in steps)
            if roles[Role.REVIEWER] != 1 or roles[Role.APPROVER] != 1:
                errors["stages"].append(
                    _("A one-review-one-approval item has exactly one reviewer step and one approver step."))
            if any(s["department"] != department for s in steps):
                errors["stages"].append(
                    _("A one-review-one-approval item is handled inside its own department only."))
    return dict(errors)


def code_errors(*, basic_code: str, implementation_code: str) -> dict[str, list[str]]:
    errors = {}
    if not basic_code or len(basic_code) > 10 or not basic_code.isalnum() or not basic_code.isascii():
        errors["basic_code"] = [_("The basic code is 1 to 10 letters or digits.")]
    if (not implementation_code or len(implementation_code) > 24 or not implementation_code.isalnum()
            or not implementation_code.isascii()):
        errors["implementation_code"] = [_("The implementation code is 1 to 24 letters or digits.")]
    return errors


def reform_errors(*, status: str, document_number: str, delegated_to: str) -> dict[str, list[str]]:
    errors = {}
    if status not in ReformStatus.values:
        errors["status"] = [_("Unknown reform status.")]
    if not (document_number or "").strip():
        errors["document_number"] = [_("Give the number of the document that decides the change.")]
    if status == ReformStatus.DELEGATED and not (delegated_to or "").strip():
        errors["delegated_to"] = [_("Name the county body the item is delegated to.")]
    if status != ReformStatus.DELEGATED and (delegated_to or "").strip():
        errors["delegated_to"] = [_("Only a delegated item names the body it is delegated to.")]
    return errors
