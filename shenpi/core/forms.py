"""Form helpers shared by the pages and the admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: each reason on its field, or above the form when
    the field is not one of the form's."""
    for field, reasons in exc.message_dict.items():
        for reason in reasons:
            form.add_error(field if field in form.fields else None, reason)


def _attrs(attrs: dict) -> str:
    """Django's widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join("" if value is False else format_html(" {}", name) if value is True
                   else format_html(' {}="{}"', name, str(value)) for name, value in attrs.items())


class FastSelect(forms.Select):
    """A select written in Python: the same markup as Django's widget templates (select.html,
    select_option.html and attrs.html, a template include for every option), from the same
    context (`get_context`). Filter forms list every department and window of a province; through
    the templates their options took most of a filter form's 4.7 ms (issue 16)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        out = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                out.append(format_html('\n  <option value="{}"', str(option["value"])))
                out.append(_attrs(option["attrs"]))
                out.append(format_html(">{}</option>\n", option["label"]))  # the include's own newline
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))
