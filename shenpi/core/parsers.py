"""The API's JSON parser (its own module: DRF reads the parser setting while its views load)."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


def _json_problem(data) -> str | None:
    """Why a parsed body is refused: nested deeper than any request needs, or a NUL character
    (PostgreSQL's text cannot hold one). Walked without recursion."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return _("The JSON body is nested more than %(n)d levels deep.") % {"n": MAX_JSON_DEPTH}
        if isinstance(value, str):
            if "\x00" in value:
                return _("The JSON body contains a NUL character, which is not allowed.")
        elif isinstance(value, dict):
            for k, v in value.items():
                if "\x00" in k:
                    return _("The JSON body contains a NUL character, which is not allowed.")
                stack.append((v, depth + 1))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing with a 400 what it would let through to a 500: a body nested
    so deep that decoding it exhausts the stack, deep nesting and NUL characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        problem = _json_problem(data)
        if problem:
            raise ParseError(problem)
        return data
