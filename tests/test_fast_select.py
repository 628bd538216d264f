"""core.forms.FastSelect writes a select in Python; it must say exactly what Django's Select
widget says through its templates, for every kind of choice, value and attribute, and on the
filter forms that use it."""

import pytest
from django import forms
from django.utils.translation import gettext_lazy, override

from shenpi.core.forms import FastSelect

CHOICES = [("", "—"), ("a<b", "甲&乙"), (3, "三"), ("Group <x>", [("g1", "G1"), ("g2", 'G"2')]),
           ("lazy", gettext_lazy("Search"))]


@pytest.mark.parametrize("value", [None, "", "a<b", "3", 3, "g2", ["a<b", "g1"], "missing"])
@pytest.mark.parametrize("attrs", [{}, {"id": "id_x", "required": True, "disabled": False, "data-x": '1"2<'}])
def test_it_writes_what_the_templates_write(value, attrs):
    with override("zh-hans"):
        expected = str(forms.Select(choices=CHOICES).render("x<", value, attrs=attrs))
        written = str(FastSelect(choices=CHOICES).render("x<", value, attrs=attrs))
    assert written == expected
    assert "&lt;" in written and "搜索" in written  # escaped, and the lazy label in the active language


@pytest.mark.django_db
def test_the_filter_forms_read_as_with_django_s_select(dept, dept2):
    from shenpi.org.models import Centre, Window
    from shenpi.staff.supervision_views import CardFilter, FindingFilter
    from shenpi.staff.views import SearchForm
    Window.objects.create(centre=Centre.objects.first(), number="A01", name="综合<窗口>")
    data = {"department": str(dept2.pk), "state": "accepted", "light": "red", "level": "red", "severity": "serious"}
    for form_class in (SearchForm, CardFilter, FindingFilter):
        fast = form_class(data)
        plain = form_class(data)
        selects = [name for name, f in plain.fields.items() if isinstance(f.widget, FastSelect)]
        assert selects, form_class
        for name in selects:
            field = plain.fields[name]
            field.widget = forms.Select(choices=field.choices)
        with override("zh-hans"):
            for name in selects:
                assert str(fast[name]) == str(plain[name]), (form_class, name)
        assert 'selected' in str(fast["department"])
