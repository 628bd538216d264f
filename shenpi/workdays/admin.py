import calendar as pycalendar
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shenpi.core.admin import CentreAdminOnly, RuleCheckedForm
from shenpi.core.forms import add_service_errors

from . import services
from .models import CalendarDay
from .parsing import recount_text
from .selectors import current_calendar


class AddYearForm(forms.Form):
    document_number = forms.CharField(label=_("document number"), max_length=100,
                                      help_text=_("The State Council's holiday notice, e.g. 国办发明电〔2026〕号"))
    schedule = forms.CharField(
        label=_("schedule"), widget=forms.Textarea(attrs={"rows": 16, "cols": 60}),
        help_text=_("One line per range: “2027-01-01..2027-01-03 元旦 休” for days off, “2027-02-07 春节 班” "
                    "for a weekend day worked. Other days follow the week."))


class CalendarDayForm(RuleCheckedForm):
    class Meta:
        model = CalendarDay
        fields = ["is_workday", "name", "reason", "document_number"]

    def rule_errors(self, cleaned):
        return services.change_day_errors(reason=cleaned.get("reason"), document_number=cleaned.get("document_number"))


@admin.register(CalendarDay)
class CalendarDayAdmin(CentreAdminOnly, admin.ModelAdmin):
    """One date at a time, with a reason and document number; the year view shows the whole schedule."""

    form = CalendarDayForm
    list_display = ["date", "weekday", "is_workday", "name", "document_number", "changed_at"]
    list_filter = ["is_workday", ("changed_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "date"
    search_fields = ["name", "document_number"]
    readonly_fields = ["date", "changed_at", "changed_by"]
    change_list_template = "admin/workdays/calendarday/change_list.html"

    def has_add_permission(self, request):
        return False  # the calendar covers whole years; single dates are changed, not added

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return format_html("{}", "一二三四五六日"[obj.date.weekday()])

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        services.change_day(actor=request.user, day=obj.date, is_workday=d["is_workday"], name=d["name"],
                            reason=d["reason"], document_number=d["document_number"])

    def changelist_view(self, request, extra_context=None):
        first, last = current_calendar().years
        year = min(max(timezone.localdate().year, first), last)
        return super().changelist_view(request, {**(extra_context or {}), "calendar_year": year})

    def get_urls(self):
        return [path("year/<int:year>/", self.admin_site.admin_view(self.year_view), name="workdays_calendarday_year"),
                path("add-year/", self.admin_site.admin_view(self.add_year_view), name="workdays_calendarday_add_year"),
                *super().get_urls()]

    def add_year_view(self, request):
        """Enter next year's official schedule before the chinesecalendar package has it."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        year = current_calendar().known_last.year + 1
        form = AddYearForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                added = services.add_year(actor=request.user, year=year, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(year)s is in the calendar.") % {"year": year} + " "
                                 + recount_text(added.recount))
                if added.recount.failed:
                    messages.warning(request, _("Some cases could not be recounted: %(cases)s.") % {
                        "cases": "、".join(added.recount.failed)})
                return redirect("admin:workdays_calendarday_year", year=year)
        from django.apps import apps  # cases lives above this app: counted by name, not imported
        provisional = apps.get_model("cases", "Case").objects.filter(provisional=True).count()
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "year": year,
                   "provisional_cases": provisional,
                   "title": _("Add the working-day calendar of %(year)s") % {"year": year}}
        return TemplateResponse(request, "admin/workdays/add_year.html", context)

    def year_view(self, request, year):
        if not self.has_view_permission(request):
            raise Http404
        cal = current_calendar()
        first, last = cal.years
        if not first <= year <= last:
            raise Http404
        months = []
        for month in range(1, 13):
            weeks = []
            for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
                weeks.append([
                    None if d.month != month else {
                        "day": d.day, "info": cal.info(d),
                        "url": reverse("admin:workdays_calendarday_change", args=[d.isoformat()]),
                    } for d in week])
            months.append({"number": month, "weeks": weeks,
                           "workdays": len(cal.workdays_in(date(year, month, 1),
                                                           date(year, month, pycalendar.monthrange(year, month)[1])))})
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": _("Working-day calendar %(year)s") % {"year": year},
            "year": year, "months": months, "years": range(first, last + 1),
            "total": sum(m["workdays"] for m in months),
        }
        return TemplateResponse(request, "admin/workdays/year.html", context)
