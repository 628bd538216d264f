"""Reads of the intermediary register: the public search, one organisation with its
qualifications' states, the choices on a case, and the designations supervisors watch."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from shenpi.supervision.access import is_watcher

from .models import Choice, Intermediary, Qualification, Service
from .rules import qualification_state


def search(*, q: str = "", service: str = "") -> Any:
    qs = Intermediary.objects.filter(active=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q) | Q(services__name__icontains=q))
    if service:
        qs = qs.filter(services__name=service)
    return qs.distinct().prefetch_related(
        Prefetch("services", queryset=Service.objects.select_related("qualification").order_by("name")),
        Prefetch("qualifications", queryset=Qualification.objects.order_by("name"))).order_by("name", "pk")


def with_states(orgs: Any, on: datetime.date | None = None) -> list[Intermediary]:
    on = on or timezone.localdate()
    out = list(orgs)
    for org in out:
        for q in org.qualifications.all():
            q.state = qualification_state(q, on)
        for s in org.services.all():
            s.state = qualification_state(s.qualification, on)
    return out


def service_names() -> list[str]:
    return list(Service.objects.filter(intermediary__active=True).order_by("name").values_list("name", flat=True)
                .distinct())


def designations(user: Any) -> Any:
    """The choices recorded as designated by an official: for the centre's watchers."""
    if not is_watcher(user):
        return Choice.objects.none()
    return (Choice.objects.filter(designated=True).select_related("case", "service__intermediary", "chosen_by__staff")
            .order_by("-chosen_at"))
