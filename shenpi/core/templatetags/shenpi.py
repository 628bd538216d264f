from decimal import Decimal

from django import template

from shenpi.core.links import fixed_path

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url name %}`` for a route with no arguments, reversed once per process
    (core.links.fixed_path)."""
    return fixed_path(name)


@register.filter
def yuan(fen):
    """Integer fen shown as yuan with two decimals."""
    if fen in (None, ""):
        return ""
    return f"{Decimal(int(fen)) / 100:.2f}"


@register.filter
def percent(value):
    return f"{float(value) * 100:.1f}%"
