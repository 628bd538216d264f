"""The page on which an organisation is chosen for a case's intermediary services, shared by
the applicant's portal and the staff pages (they differ in who may open it and the frame)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shenpi.cases.models import Case
from shenpi.core.params import whole_number

from . import rules


def choose_page(request: Any, case: Case, template: str, back: str) -> Any:
    errors: list[str] = []
    if request.method == "POST":
        try:
            rules.choose(actor=request.user, case=case, service=whole_number(request.POST.get("service", "")),
                         designated=request.POST.get("designated") == "1",
                         designated_by=request.POST.get("designated_by", ""), note=request.POST.get("note", ""))
            messages.success(request, _("The choice is recorded."))
            return redirect(back, number=case.number)
        except ValidationError as e:
            errors = [m for ms in e.message_dict.values() for m in ms]
    chosen = list(case.intermediaries.select_related("service__intermediary"))
    done = {c.service.name for c in chosen}
    return render(request, template, {
        "case": case, "offers": [s for s in rules.offers_for(case) if s.name not in done],
        "needed": case.item.intermediary_services, "chosen": chosen, "errors": errors,
        "remaining": [n for n in case.item.intermediary_services if n not in done]})
