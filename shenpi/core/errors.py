"""One answer per kind of failure, for the pages and the API alike.

Django calls these for what escapes every view: a request it refuses as malformed (400: an
oversize body, too many fields, a bad host) and an exception nobody handled (500). A database
that cannot be reached is not the client's fault nor a bug: it gets 503 with a retry hint.
The templates here use no context processor and no database, so they render while it is down."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger("shenpi.errors")

RETRY_AFTER_SECONDS = 5


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def answer(request: HttpRequest, status: int, template: str, detail: str, **headers: str) -> HttpResponse:
    if wants_json(request):
        response: HttpResponse = JsonResponse({"detail": detail}, status=status,
                                              json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(loader.render_to_string(template, {"detail": detail}), status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
    if isinstance(exception, RequestDataTooBig):
        detail = _("The request body is too large.")
    elif isinstance(exception, TooManyFieldsSent):
        detail = _("The request has too many fields.")
    else:
        detail = _("The request could not be understood.")
    return answer(request, 400, "400.html", detail)


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (not a bad query)."""
    return isinstance(exc, (OperationalError, InterfaceError))


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        log.error("database unavailable: %s", exc)
        return answer(request, 503, "503.html",
                       _("The service is briefly unavailable; try again in a few seconds."),
                       Retry_After=str(RETRY_AFTER_SECONDS))
    return answer(request, 500, "500.html", _("Something went wrong on our side; nothing was half-done."))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """An address under /api/ that names nothing answers in JSON like every other API error
    (an id that is not a number, say: `<int:pk>` routes match digits only); pages keep the
    site's 404 page."""
    if wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404, json_dumps_params={"ensure_ascii": False})
    from django.views.defaults import page_not_found
    return page_not_found(request, exception or Exception())
