"""Paths for the rows of a list: a route reversed once, each row's keys put in as text, so a
page of fifty rows runs the URL resolver once, not fifty times; and the layout's fixed links,
reversed once per process (issue 16)."""

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Digits, so that int and str converters both take them, and no path holds them otherwise.
_PLACEHOLDER = "91827364554637281{}"
_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted


def path_for(name: str, keys: int = 1) -> Callable[..., str]:
    """``path_for("staff:case")(case.number)`` is ``reverse("staff:case", args=[case.number])``;
    with ``keys=2``, the route's two arguments in order."""
    marks = [_PLACEHOLDER.format(i) for i in range(keys)]
    template = reverse(name, args=marks)

    def path(*values: object) -> str:
        out = template
        for mark, value in zip(marks, values, strict=True):
            out = out.replace(mark, quote(str(value), safe=_SAFE))
        return out
    return path


_fixed: dict[tuple[str, str, str], str] = {}


def fixed_path(name: str) -> str:
    """``reverse(name)`` for a route with no arguments, kept per process for each script prefix
    and URLconf: the layout draws fifteen such links on every page, at 16 us a reversal about a
    third of drawing it."""
    key = (name, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    path = _fixed.get(key)
    if path is None:
        path = _fixed[key] = reverse(name)
    return path
