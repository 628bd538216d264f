"""Intermediaries for staff (H2): recording, on a case, the organisation the applicant chose
(and whether an official designated it); the designations flagged for supervisors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from shenpi.cases.models import Case
from shenpi.intermediaries import rules, selectors
from shenpi.intermediaries.pages import choose_page
from shenpi.supervision.access import is_watcher

from .views import staff_required


@staff_required
def case_intermediaries(request, number):
    case = get_object_or_404(Case.objects.select_related("item", "version"), number=number)
    if not rules.may_choose(request.user, case):
        raise Http404
    return choose_page(request, case, "staff/intermediary_choice.html", "staff:case-intermediaries")


@staff_required
def designations(request):
    if not is_watcher(request.user):
        raise PermissionDenied
    page = Paginator(selectors.designations(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "staff/designations.html", {"page": page})
