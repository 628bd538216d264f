"""Input no view should ever see: NUL characters.

PostgreSQL's text cannot hold NUL (a query with one fails inside the driver), no form field
needs one, and a path with one names nothing. They are refused here, once, with a 400 naming
where they were, before any view, session or database is touched. JSON bodies are checked by
the API's parser (core.api.JSONParser)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from .errors import answer

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _nul_in(data) -> str | None:
    for key, values in data.lists():
        if "\x00" in key:
            return key.replace("\x00", "")
        for value in values:
            if isinstance(value, str) and "\x00" in value:
                return key
    return None


class RejectBadInput:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = None
        if "\x00" in request.path_info:
            where = "path"
        else:
            where = _nul_in(request.GET)
            if where is None and request.method == "POST" and request.content_type in FORM_TYPES:
                try:
                    where = _nul_in(request.POST)
                except MultiPartParserError:
                    return answer(request, 400, "400.html", _("The form data could not be read."))
        if where is not None:
            return answer(request, 400, "400.html",
                           _("“%(field)s” contains a NUL character, which is not allowed.") % {"field": where})
        return self.get_response(request)
