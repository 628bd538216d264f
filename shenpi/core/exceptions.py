"""The errors every app's services raise, whatever the app: the ground floor names them, the
apps subclass them, and the API handler (core.api) and the staff pages map them to answers
without knowing which app raised them. A refusal with reasons per field is Django's
ValidationError, as before."""

from django.core.exceptions import PermissionDenied


class ShenpiError(Exception):
    """Base of Shenpi's own errors. ``user_message()`` is the text shown to the user, in the
    active language (a subclass that needs translation overrides it)."""

    def user_message(self) -> str:
        return str(self)


class Conflict(ShenpiError):
    """The record changed since the caller looked at it: reload and try again (HTTP 409)."""


class CalendarUnavailable(ShenpiError, ValueError):
    """A day that nothing can be counted on: outside what the working-day calendar knows
    (HTTP 400: a bad record or a bad request, never a server error)."""


class Refused(ShenpiError, PermissionDenied):
    """The act is not this person's to do, with the reason: a 403 from the API and the pages
    alike (it is Django's PermissionDenied too)."""


class TooMany(ShenpiError):
    """Too many attempts from this address or at this record for now: try again after
    ``retry_after`` seconds (HTTP 429 with Retry-After)."""

    def __init__(self, message: str = "", retry_after: int = 60):
        super().__init__(message)
        self.retry_after = retry_after
