"""Tags for the texts of written notices and messages (templates/cases/notices, /messages)."""

from django import template

register = template.Library()

PROVISIONAL = "(暂定)"
PROVISIONAL_NOTE = ("注:标注“暂定”的日期是在{year}年法定节假日安排公布前按周一至周五推算的;"
                    "安排公布后将重新计算,并以短信和办件查询告知。")


@register.filter
def cn_date(day) -> str:
    """2026年3月2日 (empty for no date)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


@register.simple_tag(takes_context=True)
def due(context, day) -> str:
    """A due date, marked (暂定) where the calendar counted it provisionally; remembered for the
    note that explains the mark."""
    context["shown"].append(day)
    cal = context["cal"]
    return cn_date(day) + (PROVISIONAL if day and cal.is_provisional(day) else "")


@register.simple_tag(takes_context=True)
def provisional_note(context) -> str:
    shown = [d for d in context["shown"] if d]
    cal = context["cal"]
    if not any(cal.is_provisional(d) for d in shown):
        return ""
    return PROVISIONAL_NOTE.format(year=cal.provisional_year or max(shown).year)
