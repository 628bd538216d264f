"""Logging in, on the pages and for the API, and what guards it.

- Lockout is per account *and* address (django-axes, ``AXES_LOCKOUT_PARAMETERS``): one person
  mistyping behind the centre's proxy locks only that account from that address. A separate,
  higher limit per address alone (``SHENPI_LOGIN_ADDRESS_LIMIT`` failures in the cool-off
  period) stops one address trying many accounts. A locked login is answered 429, never with
  a misleading "wrong password".
- After logging in, staff land on their workbench and applicants on their cases; a ``next``
  address is followed only if it is on this site.
- API tokens (django-rest-knox) are stored hashed, expire (``SHENPI_TOKEN_HOURS``, default 8)
  and are revoked by ``POST /api/v1/auth/logout/`` and by logging out of the pages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_out
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shenpi.audit.services import record
from shenpi.core.api import Detail
from shenpi.core.throttle import client_address, count, uncount

from .roles import is_staff_member
from .tokens import TokenAuthentication


def cooloff() -> timedelta:
    return timedelta(hours=settings.AXES_COOLOFF_TIME)


def _address_key(request: Any) -> str:
    return f"login-failures:{client_address(request)}"


@receiver(user_login_failed)
def _count_failure_per_address(sender, credentials, request=None, **kwargs):
    # The address guard counted this try before the password was checked; count here only a
    # try that came past it without being counted.
    if request is not None and not getattr(request, "shenpi_address_counted", None):
        count(_address_key(request), int(cooloff().total_seconds()))


class AccountBackend(ModelBackend):
    """Django's password backend, loading a session's user with their staff record, window and
    roles in one hand-written statement (org.store): nearly every page asks for them (the
    header, who may see what), and an applicant's missing staff record is then known without a
    read of its own."""

    def get_user(self, user_id):
        from . import store
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = store.signed_in(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        counted = getattr(request, "shenpi_address_counted", None) if request is not None else None
        if user is not None and counted:
            uncount(counted)  # the right password: the try the guard counted was no failure
            request.shenpi_address_counted = None
        return user


class AddressGuardBackend(AccountBackend):
    """First of the authentication backends: an address over its limit gets no further. It
    authenticates nobody itself; it loads session users as AccountBackend does."""

    def authenticate(self, request, username=None, password=None, **credentials):
        # Each try is counted before its password is checked, and given back when it was right
        # (AccountBackend): tries at once cannot pass the limit together, as they could when the
        # count came after the check.
        if request is not None:
            key = _address_key(request)
            request.shenpi_address_counted = key
            if count(key, int(cooloff().total_seconds())) > settings.SHENPI_LOGIN_ADDRESS_LIMIT:
                request.shenpi_address_locked = True
                raise PermissionDenied
        return None


def locked_out(request: Any) -> bool:
    return bool(getattr(request, "axes_locked_out", False) or getattr(request, "shenpi_address_locked", False))


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """The page for a locked login (also django-axes' AXES_LOCKOUT_CALLABLE)."""
    minutes = int(cooloff().total_seconds() // 60)
    response = render(request, "locked.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(cooloff().total_seconds()))
    return response


def landing(user) -> str:
    return resolve_url("staff:home" if is_staff_member(user) else "portal:my-cases")


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` address if it is on this site, otherwise ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


class LoginView(auth_views.LoginView):
    """Django's login page, landing by role and answering a locked login with 429."""

    def get_default_redirect_url(self):
        return landing(self.request.user)

    def form_invalid(self, form):
        if locked_out(self.request):
            return lockout_response(self.request)
        return super().form_invalid(form)


@receiver(user_logged_out)
def _revoke_tokens_at_logout(sender, request, user, **kwargs):
    if user is not None:
        AuthToken.objects.filter(user=user).delete()


class TokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=150, label=_("username"))
    password = serializers.CharField(max_length=128, trim_whitespace=False, label=_("password"),
                                     style={"input_type": "password"})


class TokenOut(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`")
    expiry = serializers.DateTimeField(help_text="The token stops working at this time")


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenIn, responses={200: TokenOut, 400: OpenApiTypes.OBJECT, 429: Detail}, operation_id="auth_token",
                   summary="Log in: a token that expires (SHENPI_TOKEN_HOURS)")
    def post(self, request):
        s = TokenIn(data=request.data)
        s.is_valid(raise_exception=True)
        user = authenticate(request, username=s.validated_data["username"], password=s.validated_data["password"])
        if locked_out(request):
            return Response({"detail": _("Too many failed logins: try again in %(minutes)d minutes, or ask the "
                                         "centre administrator to unlock the account.") %
                             {"minutes": int(cooloff().total_seconds() // 60)}},
                            status=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(int(cooloff().total_seconds()))})
        if user is None or not user.is_active:
            return Response({"detail": _("The username or password is wrong.")}, status=status.HTTP_400_BAD_REQUEST)
        with transaction.atomic():
            instance, token = AuthToken.objects.create(user)
            record(actor=user, action="auth.token.issue", obj=user, after={"expiry": instance.expiry.isoformat()})
        return Response(TokenOut({"token": token, "expiry": instance.expiry}).data)


class LogoutView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, operation_id="auth_logout",
                   summary="Log out: the token used stops working")
    def post(self, request):
        with transaction.atomic():
            request.auth.delete()
            record(actor=request.user, action="auth.token.revoke", obj=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
