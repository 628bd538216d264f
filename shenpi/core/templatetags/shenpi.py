from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(fen):
    """Integer fen shown as yuan with two decimals."""
    if fen in (None, ""):
        return ""
    return f"{Decimal(int(fen)) / 100:.2f}"


@register.filter
def percent(value):
    return f"{float(value) * 100:.1f}%"
