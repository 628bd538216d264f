"""The two helpers every service's checks use: a submitted text, stripped (anything that is not
a string counts as empty, so odd input is a reason, never a crash), and the refusal that names
each field with its reasons (Django's ValidationError: a 400 from the API, form messages on
the pages)."""

from typing import Any

from django.core.exceptions import ValidationError


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def require(errors: dict) -> None:
    """Refuse with every reason gathered, or do nothing when there is none."""
    if errors:
        raise ValidationError(errors)
