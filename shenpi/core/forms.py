"""Form helpers shared by the pages and the admin."""

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: each reason on its field, or above the form when
    the field is not one of the form's."""
    for field, reasons in exc.message_dict.items():
        for reason in reasons:
            form.add_error(field if field in form.fields else None, reason)
