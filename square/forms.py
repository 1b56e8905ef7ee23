"""The square's filters (industry, region, level, fans range). A value that is not on offer is refused
with its field named, and the listing keeps the other filters."""

from functools import cache

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from creators.vocabulary import INDUSTRIES
from levels.rules import LEVELS
from lib.format import round_count
from lib.widgets import ErrorList, Select

from .selectors import FANS_RANGES, SquareFilters


def fans_label(key: str) -> str:
    """A fans range as a client reads it: 1万以下, 1万–10万, 100万以上 (10k–100k in English)."""
    fans = FANS_RANGES[key]
    if fans.low == 0:
        return gettext("%(high)s以下") % {"high": round_count(fans.high)}
    if fans.high is None:
        return gettext("%(low)s以上") % {"low": round_count(fans.low)}
    return gettext("%(low)s–%(high)s") % {"low": round_count(fans.low), "high": round_count(fans.high)}


@cache
def _fixed_choices(language: str | None) -> dict[str, list[tuple[str, str]]]:
    """The choices that do not come from the listing, in ``language``: written once per process and language
    (their labels cost the square's every page view some 40 translations and the fans ranges' arithmetic)."""
    return {
        "industry": [("", gettext("全部行业")), *((v, str(name)) for v, name in INDUSTRIES.items())],
        "level": [("", gettext("全部等级")), *((str(n), f"LV{n}") for n in LEVELS), ("0", gettext("暂无等级"))],
        "fans": [("", gettext("不限粉丝量")), *((key, fans_label(key)) for key in FANS_RANGES)],
    }


class SquareFilterForm(forms.Form):
    # Drawn by ``lib.widgets`` (the same HTML as Django's templates, without an include per option).
    industry = forms.ChoiceField(label=_("行业"), required=False, widget=Select)
    region = forms.ChoiceField(label=_("地域"), required=False, widget=Select)
    level = forms.ChoiceField(label=_("等级"), required=False, widget=Select)
    fans = forms.ChoiceField(label=_("粉丝量"), required=False, widget=Select)

    ERRORS = {
        "industry": _("没有“%(value)s”这个行业，请从列表中选择。"),
        "region": _("没有来自“%(value)s”的达人，请从列表中选择地域。"),
        "level": _("等级只能是 LV1–LV4 或暂无等级。"),
        "fans": _("请从列表中选择粉丝量范围。"),
    }

    def __init__(self, data, *, regions: list[str]) -> None:
        super().__init__(data, error_class=ErrorList)
        fixed = _fixed_choices(get_language())
        self.fields["industry"].choices = fixed["industry"]
        self.fields["region"].choices = [("", _("全部地域")), *((r, r) for r in regions)]
        self.fields["level"].choices = fixed["level"]
        self.fields["fans"].choices = fixed["fans"]
        for name, message in self.ERRORS.items():
            self.fields[name].error_messages["invalid_choice"] = message

    def filters(self) -> SquareFilters:
        """The valid filters; a field with an error is left out (its error is shown beside it)."""
        self.is_valid()
        clean = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        level = clean.get("level", "")
        return SquareFilters(
            industry=clean.get("industry", ""),
            region=clean.get("region", ""),
            level=int(level) if level != "" else None,
            fans=clean.get("fans", ""),
        )

    @property
    def active(self) -> bool:
        """Some filter is applied (the page offers to clear them)."""
        f = self.filters()
        return bool(f.industry or f.region or f.fans) or f.level is not None
