"""The intermediary register's rules (H2): a centre administrator lists an organisation with a
valid unified social credit code, its qualifications and their expiry, and the services it
offers at a price; on a case, the applicant (or staff, for them) records the organisation
chosen for a service the item needs. A service whose qualification has expired cannot be
chosen. When an official named the organisation to the applicant (指定中介), the choice is
recorded as designated, with who did it, and supervisors see it flagged. Every write is
checked and audited; a refused write changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from shenpi.audit.services import record
from shenpi.cases.models import Case
from shenpi.cases.selectors import cases_visible_to
from shenpi.core.exceptions import Refused
from shenpi.core.params import day as read_day
from shenpi.core.validation import require, text
from shenpi.org.roles import is_centre_admin

from .models import Choice, Intermediary, Qualification, Service

SOON = 30  # days: a qualification this close to its expiry is marked


def qualification_state(q: Qualification | None, on: datetime.date) -> str:
    """valid, expiring (within 30 days) or expired; none when the service needs none."""
    if q is None:
        return "none"
    if q.expires_on < on:
        return "expired"
    return "expiring" if (q.expires_on - on).days <= SOON else "valid"


def _fen(value: Any) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12 else None



@transaction.atomic
def register(*, actor: Any, name: Any, credit_code: Any, contact: Any, phone: Any, address: Any = "",
             qualifications: Any = (), services: Any = ()) -> Intermediary:
    if not is_centre_admin(actor):
        raise Refused(_("Only a centre administrator lists intermediaries."))
    errors: dict[str, list[str]] = {}
    fields = {"name": text(name)[:200], "contact": text(contact)[:50], "phone": text(phone)[:20],
              "address": text(address)[:200]}
    for key, message in (("name", _("Name the organisation.")), ("contact", _("Name a contact person.")),
                         ("phone", _("Give a phone number."))):
        if not fields[key]:
            errors[key] = [message]
    code = text(credit_code).upper()
    if not uscc.is_valid(code):
        errors["credit_code"] = [_("Not a valid unified social credit code (18 characters, check digit).")]
    elif Intermediary.objects.filter(credit_code=code).exists():
        errors["credit_code"] = [_("An organisation with this credit code is listed already.")]
    quals: list[dict[str, Any]] = []
    for n, q in enumerate(qualifications if isinstance(qualifications, (list, tuple)) else [], 1):
        q = q if isinstance(q, dict) else {}
        row = {"name": text(q.get("name"))[:200], "number": text(q.get("number"))[:100],
               "issued_by": text(q.get("issued_by"))[:200], "expires_on": read_day(q.get("expires_on"))}
        if not row["name"] or not row["number"] or row["expires_on"] is None:
            errors.setdefault("qualifications", []).append(
                _("Qualification %(n)d: its name, certificate number and expiry date.") % {"n": n})
        quals.append(row)
    offers: list[dict[str, Any]] = []
    for n, s in enumerate(services if isinstance(services, (list, tuple)) else [], 1):
        s = s if isinstance(s, dict) else {}
        low, high = _fen(s.get("price_from_fen")), _fen(s.get("price_to_fen"))
        index = s.get("qualification")
        ok_index = index is None or (isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(quals))
        offer: dict[str, Any] = {"name": text(s.get("name"))[:100], "price_from_fen": low, "price_to_fen": high,
                                 "price_unit": text(s.get("price_unit"))[:50], "qualification": index}
        if not offer["name"] or low is None or high is None or high < low or not ok_index:
            errors.setdefault("services", []).append(
                _("Service %(n)d: its name, a price range in fen (from not above to) and, if any, the number of "
                  "its qualification in the list from 0.") % {"n": n})
        offers.append(offer)
    if not offers and "services" not in errors:
        errors["services"] = [_("List at least one service.")]
    require(errors)
    made = Intermediary.objects.create(credit_code=code, **fields)
    saved = [Qualification.objects.create(intermediary=made, **q) for q in quals]
    for s in offers:
        index = s.pop("qualification")
        Service.objects.create(intermediary=made, qualification=saved[index] if index is not None else None, **s)
    record(actor=actor, action="intermediary.register", obj=made,
           after={"credit_code": code, "qualifications": len(saved), "services": len(offers)})
    return made


def may_choose(actor: Any, case: Case) -> bool:
    """The case's applicant, or staff who may see the case (recording it for the applicant)."""
    if not (actor and actor.is_authenticated):
        return False
    return case.applicant_user_id == actor.pk or cases_visible_to(actor).filter(pk=case.pk).exists()


def offers_for(case: Case, on: datetime.date | None = None) -> list[Service]:
    """The listed services the case's item needs, with their qualification's state."""
    on = on or timezone.localdate()
    needed = [n for n in (case.item.intermediary_services or []) if isinstance(n, str)]
    found = list(Service.objects.filter(name__in=needed, intermediary__active=True)
                 .select_related("intermediary", "qualification").order_by("name", "intermediary__name"))
    for s in found:
        s.state = qualification_state(s.qualification, on)  # type: ignore[attr-defined]  # read by the page
    return found


@transaction.atomic
def choose(*, actor: Any, case: Case, service: Any, designated: Any = False, designated_by: Any = "",
           note: Any = "") -> Choice:
    if not may_choose(actor, case):
        raise Refused(_("Only the applicant, or staff handling the case, records the intermediary chosen."))
    errors: dict[str, list[str]] = {}
    pk = service.pk if isinstance(service, Service) else service
    offer = (Service.objects.filter(pk=pk, intermediary__active=True).select_related("qualification", "intermediary")
             .first() if isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk < 2**62 else None)
    if offer is None or offer.name not in (case.item.intermediary_services or []):
        errors["service"] = [_("Choose a listed organisation's service that this item needs.")]
    elif offer.qualification is not None and qualification_state(offer.qualification, timezone.localdate()) == "expired":
        errors["service"] = [_("%(org)s's qualification for this service expired on %(day)s: it cannot be chosen.")
                             % {"org": offer.intermediary.name, "day": offer.qualification.expires_on.isoformat()}]
    flagged = designated is True or designated in ("1", "true", "on")
    official = text(designated_by)[:100]
    if flagged and not official:
        errors["designated_by"] = [_("Name the official who designated the organisation.")]
    require(errors)
    assert offer is not None
    try:
        with transaction.atomic():
            made = Choice.objects.create(case=case, service=offer, chosen_by=actor, designated=flagged,
                                         designated_by=official if flagged else "", note=text(note)[:2000])
    except IntegrityError:
        require({"service": [_("An organisation is already recorded for this service on this case.")]})
    record(actor=actor, action="intermediary.choose", obj=made,
           after={"case": case.number, "intermediary": offer.intermediary_id, "service": offer.name,
                  "designated": flagged})
    return made
