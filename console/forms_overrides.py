"""The creator page's manual level override forms (interfaces §4.1 ``/console/creators/<id>/override/``).
They only read the input; whether the level may be set (a past month, an open override) is the
service's (``levels.overrides``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from levels.overrides import LEVEL_CHOICES, REASON_MAX
from lib.periods import Month

from .forms import ActionForm


class OverrideSetForm(ActionForm):
    level = forms.TypedChoiceField(label=_("等级"), coerce=int, choices=[(n, f"LV{n}") for n in LEVEL_CHOICES])
    reason = forms.CharField(label=_("原因"), max_length=REASON_MAX)
    until = forms.CharField(label=_("保持到（含该月）"), max_length=7, help_text=_("YYYY-MM"))

    def clean_until(self) -> Month:
        try:
            return Month.parse(self.cleaned_data["until"].strip())
        except ValueError:
            raise forms.ValidationError(_("请按 YYYY-MM 填写月份，例如 2027-02。")) from None


class OverrideEndForm(ActionForm):
    reason = forms.CharField(label=_("结束原因"), max_length=REASON_MAX)
