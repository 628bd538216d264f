"""Shared API pieces: pagination and one error shape for every endpoint."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import CalendarUnavailable, Conflict, TooMany
from .params import whole_number


class Detail(serializers.Serializer):
    """The shape of every error that is not about fields: {"detail": reason}."""

    detail = serializers.CharField()


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def validation_error_detail(exc: DjangoValidationError) -> dict:
    """Field -> list of reasons; errors not tied to a field go under non_field_errors."""
    if hasattr(exc, "error_dict"):
        out = {}
        for field, errors in exc.message_dict.items():
            out["non_field_errors" if field == "__all__" else field] = list(errors)
        return out
    return {"non_field_errors": list(exc.messages)}


def exception_handler(exc, context):
    # Services raise Django's ValidationError; the API answers it as a 400 naming each field.
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, CalendarUnavailable):
        # Legal acts count past the calendar's horizon by the week, so only a date nothing can be
        # counted on reaches here (before the first known year: a bad record or a bad request).
        return Response({"detail": exc.user_message()}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TooMany):
        return Response({"detail": exc.user_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                        headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, Conflict):
        return Response({"detail": exc.user_message()}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc) or "Permission denied."}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)


class NumericIds:
    """For viewsets whose records are named by number: an id in the path that is not ASCII
    digits is a 400 naming it, checked once here rather than failing in each lookup."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        name = self.lookup_url_kwarg or self.lookup_field
        if name in kwargs and whole_number(kwargs[name]) is None:
            raise ValidationError({"id": [_("An id is a whole number written in digits 0-9.")]})
