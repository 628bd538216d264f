"""Periodic work of accounts (core.periodic): expired API tokens are deleted, so the table
holds only tokens that still open a door."""

from django.utils import timezone
from knox.models import AuthToken

from shenpi.core.periodic import periodic
from shenpi.core.sweeps import SweepResult


@periodic(key="purge-expired-tokens", every=3600.0)
def purge_expired_tokens() -> SweepResult:
    deleted, _by_model = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return SweepResult("purge_expired_tokens", done=deleted)
