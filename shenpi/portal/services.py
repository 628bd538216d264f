"""Applicant accounts' writes: registering and resetting a password, each by a code sent to the
mobile number.

The answer to a request never says whether the number has an account (no enumeration); codes
are six digits, kept hashed, valid 10 minutes, five guesses each, at most one a minute and
five an hour per account; using one ends every other."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.cases.identity import PHONE
from shenpi.cases.models import Outbox

from .models import ResetCode, SignupCode

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

VALID = timedelta(minutes=10)
GUESSES = 5
PER_HOUR = 5


def _applicant(phone: str) -> Any:
    """The applicant account of a mobile number (staff reset passwords through the admin)."""
    user = get_user_model().objects.filter(username=phone, is_active=True).first()
    if user is None or hasattr(user, "staff"):
        return None
    return user


@transaction.atomic
def request_reset_code(*, phone: str, centre_name: str) -> None:
    phone = (phone or "").strip()
    if not PHONE.match(phone):
        raise ValidationError({"phone": [_("Enter an 11-digit mobile number starting with 1.")]})
    user = _applicant(phone)
    if user is None:
        return  # the same answer as for an account: nobody learns which numbers are registered
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one request at a time
    now = timezone.now()
    recent = ResetCode.objects.filter(user=user, created_at__gte=now - timedelta(hours=1))
    if recent.filter(created_at__gte=now - timedelta(minutes=1)).exists() or recent.count() >= PER_HOUR:
        raise ValidationError({"phone": [_("A code was sent a moment ago; wait a minute before asking again.")]})
    code = f"{secrets.randbelow(10**6):06d}"
    ResetCode.objects.create(user=user, code_hash=make_password(code), created_at=now, expires_at=now + VALID)
    Outbox.objects.create(phone=phone, body=f"【{centre_name}】您正在重置密码,验证码 {code},10分钟内有效。"
                                            "如非本人操作,请忽略本短信。")
    record(actor=user, action="portal.reset.request", obj=user, after={"phone": phone[:3] + "****" + phone[-4:]})


def _redeem(codes: Any, code: str, act: Callable[[], Any]) -> Any:
    """Run ``act`` (in the same transaction) if ``code`` is the latest unused, unexpired one of
    ``codes``, and mark them all used; otherwise count the wrong guess (it is kept) and refuse."""
    wrong = ValidationError({"code": [_("The code is wrong or has expired; ask for a new one.")]})
    with transaction.atomic():
        now = timezone.now()
        latest = (codes.select_for_update().filter(used_at__isnull=True, expires_at__gt=now)
                  .order_by("-created_at").first())
        if latest is None or not latest.code_hash or latest.attempts >= GUESSES:
            raise wrong
        if check_password((code or "").strip(), latest.code_hash):
            result = act()
            if result is None:
                raise wrong
            codes.filter(used_at__isnull=True).update(used_at=now)
            return result
        latest.attempts += 1
        latest.save(update_fields=["attempts"])
    raise wrong


def _checked_password(password: str, user: Any) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


def reset_password(*, phone: str, code: str, password: str) -> Any:
    """Set the new password if the code is the latest valid one; returns the user. A wrong
    guess is counted (and kept) before the refusal."""
    user = _applicant((phone or "").strip())

    def set_password() -> Any:
        _checked_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        record(actor=user, action="portal.reset.done", obj=user)
        return user

    return _redeem(ResetCode.objects.filter(user=user) if user else ResetCode.objects.none(), code, set_password)


def _masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


@transaction.atomic
def request_signup_code(*, phone: str, centre_name: str, login_url: str) -> None:
    """Send a registration code to the number, or, if it has an account, an SMS saying so.
    The caller's answer is the same in both cases, and so are the limits."""
    phone = (phone or "").strip()
    if not PHONE.match(phone):
        raise ValidationError({"phone": [_("Enter an 11-digit mobile number starting with 1.")]})
    now = timezone.now()
    recent = SignupCode.objects.filter(phone=phone, created_at__gte=now - timedelta(hours=1))
    if recent.filter(created_at__gte=now - timedelta(minutes=1)).exists() or recent.count() >= PER_HOUR:
        raise ValidationError({"phone": [_("A code was sent a moment ago; wait a minute before asking again.")]})
    registered = get_user_model().objects.filter(username=phone).exists()
    code = f"{secrets.randbelow(10**6):06d}"
    row = SignupCode.objects.create(phone=phone, code_hash="" if registered else make_password(code),
                                    created_at=now, expires_at=now + VALID)
    if registered:
        body = (f"【{centre_name}】有人用本号码申请注册,但本号码已注册。请直接登录 {login_url};"
                "忘记密码可在登录页重新设置。如非本人操作,请忽略本短信。")
    else:
        body = f"【{centre_name}】您正在注册网上办事大厅账号,验证码 {code},10分钟内有效。如非本人操作,请忽略本短信。"
    Outbox.objects.create(phone=phone, body=body)
    record(actor=None, action="portal.signup.request", obj=row, after={"phone": _masked(phone)})


def complete_signup(*, phone: str, code: str, password: str) -> Any:
    """Create the account if the code is the latest valid one for the number; a wrong guess is
    counted (and kept) before the refusal."""
    phone = (phone or "").strip()

    def create() -> Any:
        _checked_password(password, get_user_model()(username=phone))
        if get_user_model().objects.filter(username=phone).exists():
            return None  # registered meanwhile: the same refusal as a wrong code
        user = get_user_model().objects.create_user(username=phone, password=password)
        record(actor=user, action="portal.signup.done", obj=user, after={"phone": _masked(phone)})
        return user

    return _redeem(SignupCode.objects.filter(phone=phone), code, create)
