"""``lib.widgets``' inputs (the console's forms') draw exactly what Django's form templates draw: each
widget on its own, and the runs page's start form, blank and with errors."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from console.forms import ActionForm
from console.views.runs import StartForm
from lib.widgets import HiddenInput, TextInput

ATTRS = [None, {"id": "id_x"}, {"id": "id_x", "class": "input", "required": True, "disabled": False, "maxlength": 20},
         {"aria-invalid": "true", "placeholder": "2026-12 · 2026Q4", "data-x": 'q"<&'}]  # fmt: skip
VALUES = [None, "", "2026-12", 'a"b<c>&d', mark_safe("<em>ok</em>"), 5, "周期"]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
def test_each_input_draws_what_djangos_draws(attrs, value):
    for ours, theirs in ((HiddenInput, forms.HiddenInput), (TextInput, forms.TextInput)):
        for base in (None, {"class": "input"}):
            assert ours(base).render("period", value, attrs) == theirs(base).render("period", value, attrs)


@pytest.mark.parametrize("data", [None, {}, {"job": "assess_monthly", "period": "x" * 21, "request_id": "r<1>"},
                                  {"job": "nope", "period": '"><b>', "request_id": ""}])  # fmt: skip
def test_the_start_form_draws_as_with_djangos_inputs(data):
    def drawn(form: forms.Form) -> list[str]:
        if form.is_bound:
            assert not form.is_valid()
        return [str(form[name]) for name in form.fields]

    ours, theirs = StartForm(data, initial={"request_id": "fixed"}), StartForm(data, initial={"request_id": "fixed"})
    theirs.fields["period"].widget = forms.TextInput(theirs.fields["period"].widget.attrs)
    theirs.fields["request_id"].widget = forms.HiddenInput()
    assert drawn(ours) == drawn(theirs)
    assert isinstance(ActionForm().fields["request_id"].widget, HiddenInput)
