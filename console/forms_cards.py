"""The guarantee-card screen's forms (interfaces §4.1): the list's filters, manual issuance and revocation.

They only read the input: the issue form turns typed ids or an uploaded CSV into ``(line number,
external id)`` pairs; whether those creators exist, and everything else about issuing, is the service's
(``benefits.services.card_issues``)."""

import csv
import io
import re
from datetime import date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from benefits.card_selectors import GRANTS, CardFilter, CardSource
from benefits.models import CardStatus
from benefits.services.card_issues import MAX_PER_CREATOR
from lib.periods import at_local, day_end

from .forms import ActionForm

ID_SEPARATORS = re.compile(r"[\s,，、;；]+")
CSV_HEADERS = {"creator", "external_id"}  # a first row naming the column is skipped
MAX_CSV_BYTES = 1_000_000


def _start(day: date | None) -> datetime | None:
    return at_local(day) if day else None


def _after(day: date | None) -> datetime | None:
    """The end of ``day`` (inclusive to the reader) as the exclusive bound: the next local midnight."""
    return day_end(day) if day else None


class CardFilterForm(forms.Form):
    """The list's GET filters. An invalid value is dropped (and shown as an error), never fatal."""

    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *CardStatus.choices])
    level = forms.TypedChoiceField(
        label=_("等级"), required=False, coerce=int, empty_value=None,
        choices=[("", _("全部")), *((str(n), f"LV{n}") for n in range(5))],
    )  # fmt: skip
    source = forms.ChoiceField(
        label=_("来源"), required=False,
        choices=[("", _("全部")), (GRANTS, _("等级与奖励发放")), *CardSource.choices],
    )  # fmt: skip
    creator = forms.CharField(label=_("达人"), required=False, max_length=100)
    issued_from = forms.DateField(label=_("发放起"), required=False)
    issued_to = forms.DateField(label=_("发放止"), required=False)
    expiring_from = forms.DateField(label=_("到期起"), required=False)
    expiring_to = forms.DateField(label=_("到期止"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.is_valid()  # fills cleaned_data with the fields that are valid

    def value(self, name: str):
        return self.cleaned_data.get(name) or None

    def filters(self) -> CardFilter:
        """The filters the selector applies (state and level are applied by the view: the state tabs
        count over the other filters, and the level held is another app's)."""
        return CardFilter(
            creator=(self.cleaned_data.get("creator") or "").strip(),
            source=self.cleaned_data.get("source") or "",
            issued_from=_start(self.value("issued_from")),
            issued_before=_after(self.value("issued_to")),
            expiring_from=_start(self.value("expiring_from")),
            expiring_before=_after(self.value("expiring_to")),
        )


def lines_typed(text: str) -> list[tuple[int, str]]:
    """Ids separated by spaces, commas or new lines, each with the line it is on."""
    return [
        (number, token)
        for number, line in enumerate(text.splitlines(), start=1)
        for token in ID_SEPARATORS.split(line)
        if token
    ]


def lines_uploaded(upload) -> list[tuple[int, str]]:
    """The first cell of each row of a CSV file (UTF-8, with or without BOM, or GB18030 as Excel saves
    it on a Chinese Windows), with the file's row number. Empty rows are skipped; a first row naming the
    column is skipped; a row whose first cell is empty is kept, for the service to refuse by line."""
    if upload.size > MAX_CSV_BYTES:
        raise forms.ValidationError(_("文件太大了（最多 1 MB）。"))
    raw = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise forms.ValidationError(_("无法读取这个文件，请上传 UTF-8 或 GB18030 编码的 CSV。"))
    lines = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(cell.strip() for cell in row):
            continue
        first = row[0].strip()
        if number == 1 and first.lower() in CSV_HEADERS:
            continue
        lines.append((number, first))
    return lines


class CardIssueForm(ActionForm):
    """Manual issuance: ``creators`` (typed) or ``file`` (CSV), ``count`` each, a ``reason``; without
    ``confirm`` the view previews, with ``confirm=1`` it issues. ``cleaned_data["lines"]`` holds the
    (line number, external id) pairs."""

    creators = forms.CharField(
        label=_("达人ID"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("用空格、逗号或换行分隔"),
    )  # fmt: skip
    file = forms.FileField(
        label=_("或上传 CSV"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})
    )
    count = forms.IntegerField(label=_("每人张数"), min_value=1, max_value=MAX_PER_CREATOR, initial=1)
    reason = forms.CharField(
        label=_("发放原因"), max_length=300, widget=forms.TextInput(attrs={"placeholder": _("如：活动补偿")})
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        typed, upload = (data.get("creators") or "").strip(), data.get("file")
        if typed and upload:
            raise forms.ValidationError(_("填写达人ID或上传文件，二选一。"))
        if upload:
            try:
                data["lines"] = lines_uploaded(upload)
            except forms.ValidationError as error:
                self.add_error("file", error)
                return data
        else:
            data["lines"] = lines_typed(typed)
        if not data["lines"] and not self.has_error("file"):
            raise forms.ValidationError(_("请填写至少一位达人ID，或上传 CSV 文件。"))
        return data


class CardRevokeForm(ActionForm):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
