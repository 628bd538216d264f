"""API tokens (django-rest-knox), the caller loaded as a session's user is. In a module of its
own: REST framework imports the authentication classes while its views are being imported."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check; the caller then comes from org.store, with their staff record,
    window and roles in one statement instead of three more reads."""

    def validate_user(self, auth_token):
        from . import store
        user = store.signed_in(auth_token.user_id)
        if user is not None:
            auth_token.user = user
        return super().validate_user(auth_token)


class TokenScheme(KnoxTokenScheme):
    """The same security scheme in the API's description as knox's own class has."""
    target_class = "shenpi.org.tokens.TokenAuthentication"
