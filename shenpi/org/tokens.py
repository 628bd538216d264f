"""API tokens (django-rest-knox), the caller loaded as a session's user is. In a module of its
own: REST framework imports the authentication classes while its views are being imported."""

import binascii
import re
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

# knox makes tokens of hexadecimal digits (no prefix is set): anything else is no token of ours.
_TOKEN = re.compile(rf"[0-9a-f]{{{CONSTANTS.TOKEN_KEY_LENGTH},128}}")


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check, with the tokens of the key and their owners (staff record, window,
    roles) read in one hand-written statement (org.store.tokens_with_key) instead of knox's
    reads of the token, of all the owner's tokens, then of the staff record, window and roles.
    An expired token is refused here; the periodic sweep (org.tasks) deletes expired ones,
    which knox did on each call."""

    def authenticate_credentials(self, token):
        from . import store
        refused = exceptions.AuthenticationFailed(_("Invalid token."))
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            raise refused from None
        if not _TOKEN.fullmatch(text):
            raise refused
        try:
            digest = hash_token(text)
        except (TypeError, binascii.Error):
            raise refused from None
        now = timezone.now()
        for auth_token in store.tokens_with_key(text[:CONSTANTS.TOKEN_KEY_LENGTH]):
            if auth_token.expiry is not None and auth_token.expiry < now:
                continue
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise refused


class TokenScheme(KnoxTokenScheme):
    """The same security scheme in the API's description as knox's own class has."""
    target_class = "shenpi.org.tokens.TokenAuthentication"
