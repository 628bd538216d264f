"""Shared API pieces: pagination and one error shape for every endpoint."""

import base64
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import CalendarUnavailable, Conflict, TooMany
from .params import whole_number


class Detail(serializers.Serializer):
    """The shape of every error that is not about fields: {"detail": reason}."""

    detail = serializers.CharField()


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(BasePagination):
    """Pages by position rather than by number, newest first, for lists that grow without end
    (the cases): each page is read from where the last one ended along an index on
    (`field`, id), so the millionth row costs what the first does, and no COUNT runs over the
    whole list. `next` carries the position as an opaque cursor; rows made meanwhile never
    shift a page. A cursor that is not one of ours is a 400 naming `cursor`."""

    field = "received_at"
    page_size = 50
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        size = whole_number(request.query_params.get("page_size", "")) or self.page_size
        size = min(max(size, 1), self.max_page_size)
        queryset = queryset.order_by(f"-{self.field}", "-id")
        raw = request.query_params.get("cursor")
        if raw:
            try:
                stamp, _bar, pk = base64.urlsafe_b64decode(raw.encode("ascii") + b"==").decode("ascii").partition("|")
                at, last = dt.datetime.fromisoformat(stamp), whole_number(pk)
                if at.tzinfo is None or last is None:
                    raise ValueError(raw)
            except (ValueError, UnicodeError):
                raise ValidationError({"cursor": [_("Not a position in this list: follow the next link.")]}) from None
            # The first condition is the index's range; the second drops the rows of the same
            # instant already given.
            queryset = queryset.filter(**{f"{self.field}__lte": at}).filter(
                Q(**{f"{self.field}__lt": at}) | Q(id__lt=last))
        rows = list(queryset[:size + 1])
        self.request, self.next_cursor = request, None
        if len(rows) > size:
            rows = rows[:size]
            end = rows[-1]
            self.next_cursor = base64.urlsafe_b64encode(
                f"{getattr(end, self.field).isoformat()}|{end.pk}".encode("ascii")).decode("ascii").rstrip("=")
        return rows

    def get_paginated_response(self, data):
        url = self.request.build_absolute_uri()
        nxt = replace_query_param(url, "cursor", self.next_cursor) if self.next_cursor else None
        return Response({"next": nxt, "results": data})

    def get_paginated_response_schema(self, schema):
        return {"type": "object", "required": ["results"], "properties": {
            "next": {"type": "string", "nullable": True, "format": "uri"}, "results": schema}}

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "cursor", "required": False, "in": "query", "schema": {"type": "string"},
             "description": "The position to read on from: the `next` link of the page before"},
            {"name": "page_size", "required": False, "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]


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
