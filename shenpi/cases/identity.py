"""Applicants' identity numbers (standards.md §3), checked with python-stdnum, and masking."""

import re

from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc

PHONE = re.compile(r"^1[3-9]\d{9}$")


def applicant_errors(*, applicant_type: str, applicant_id: str, applicant_name: str, applicant_phone: str) -> dict:
    errors = {}
    if not (applicant_name or "").strip():
        errors["applicant_name"] = [_("Give the applicant's name.")]
    value = (applicant_id or "").strip().upper()
    if applicant_type == "person" and not ric.is_valid(value):
        errors["applicant_id"] = [_("“%(v)s” is not a valid resident ID number (18 characters, last one a check "
                                    "character).") % {"v": applicant_id}]
    elif applicant_type == "organisation" and not uscc.is_valid(value):
        errors["applicant_id"] = [_("“%(v)s” is not a valid unified social credit code.") % {"v": applicant_id}]
    elif applicant_type not in ("person", "organisation"):
        errors["applicant_type"] = [_("The applicant is a person or an organisation.")]
    if not PHONE.match((applicant_phone or "").strip()):
        errors["applicant_phone"] = [_("“%(v)s” is not a mobile phone number (11 digits starting with 1).")
                                     % {"v": applicant_phone}]
    return errors


def mask(number: str) -> str:
    """First 6 and last 4 characters visible at most (standards.md §3)."""
    if not number:
        return ""
    if len(number) <= 10:
        return number[:2] + "*" * (len(number) - 2)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str, kind: str) -> str:
    """A person by the surname alone (张**); an organisation by the start of its name and its
    last two characters (星河建*****公司), never whole."""
    name = (name or "").strip()
    if not name:
        return ""
    if kind == "person" or len(name) <= 4:
        return name[0] + "*" * max(len(name) - 1, 1)
    keep = max(len(name) // 3, 1)
    return name[:keep] + "*" * (len(name) - keep - 2) + name[-2:]
