"""Staff pages. Thin: reads through selectors, writes through services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from shenpi.catalog import excel, selectors
from shenpi.org.roles import is_centre_admin, is_staff_member, roles_of


def staff_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@staff_required
def home(request):
    from shenpi.cases.selectors import online_inbox
    staff = getattr(request.user, "staff", None)
    return render(request, "staff/home.html", {
        "inbox_count": online_inbox(request.user).count() if staff and staff.window_id else 0,
        "staff": staff, "roles": sorted(roles_of(request.user)), "is_admin": is_centre_admin(request.user),
        "is_leader": bool(staff and staff.department_id) and bool(roles_of(request.user) & {"dept_head", "chief_rep"}),
    })


@staff_required
def figures(request):
    return render(request, "staff/figures.html", {"f": selectors.reform_figures()})


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


@staff_required
def export(request):
    response = HttpResponse(excel.export_catalog(), content_type=excel.XLSX)
    response["Content-Disposition"] = 'attachment; filename="catalog.xlsx"'
    return response


@staff_required
def transfer(request):
    if not is_centre_admin(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_catalog(actor=request.user, fileobj=form.cleaned_data["file"])
        except excel.CatalogImportError as exc:
            row_errors = exc.rows
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % result)
            return redirect("staff:transfer")
    return render(request, "staff/transfer.html", {"form": form, "row_errors": row_errors})
