"""The 资料与设置 form: validates input against the rule set's follower lines (``levels.rules.Rules``
decides who may open which task type and who must set a quote); saving is
``creators.services.profile_update``."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creators.models import Creator
from creators.vocabulary import INDUSTRIES, industry_name
from levels.rules import Rules
from levels.selectors import ProfileFacts
from lib.format import round_count

# The industries offered as checkboxes are the vocabulary's (``creators.vocabulary.INDUSTRIES``, shown in
# the reader's language); a value the creator already has (e.g. from the data platform) stays offered and
# checked even when it is not in that list, as written.

# Quote kinds the form offers (interfaces §1 ``quotes``: kind → yuan). Kinds the creator already has
# beyond these are kept as extra rows so that saving the form never drops them unseen.
QUOTE_KINDS = (
    ("video_1_20s", gettext_lazy("1-20秒视频")),
    ("video_21_60s", gettext_lazy("21-60秒视频")),
    ("video_60s_plus", gettext_lazy("60秒以上视频")),
)


class ProfileForm(forms.Form):
    intro = forms.CharField(
        label=gettext_lazy("达人介绍"),
        required=False,
        max_length=Creator._meta.get_field("intro").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": gettext_lazy("一句话介绍你的内容方向和合作方式")}),
    )
    region = forms.CharField(
        label=gettext_lazy("所在地域"),
        required=False,
        max_length=Creator._meta.get_field("region").max_length,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("例如 浙江·杭州"), "list": "region-options"}),
    )
    industries = forms.MultipleChoiceField(
        label=gettext_lazy("擅长行业"), required=False, widget=forms.CheckboxSelectMultiple
    )
    submission_enabled = forms.BooleanField(label=gettext_lazy("投稿任务"), required=False)
    spread_enabled = forms.BooleanField(label=gettext_lazy("传播任务"), required=False)

    def __init__(
        self,
        data=None,
        *,
        creator: Creator,
        quotes: dict[str, Decimal],
        fans: int,
        rules: Rules,
    ) -> None:
        initial = {
            "intro": creator.intro,
            "region": creator.region,
            "industries": list(creator.industries or []),
            "submission_enabled": creator.submission_enabled,
            "spread_enabled": creator.spread_enabled,
        }
        known = dict(QUOTE_KINDS)
        self.quote_kinds = [*QUOTE_KINDS, *((k, k) for k in quotes if k not in known)]
        for kind, amount in quotes.items():
            initial[f"quote_{kind}"] = int(amount) if amount == int(amount) else amount  # 9000, not 9000.00
        super().__init__(data, initial=initial)
        self.fans = fans
        self.rules = rules
        extra = [i for i in (creator.industries or []) if i not in INDUSTRIES]
        self.fields["industries"].choices = [(i, industry_name(i)) for i in (*INDUSTRIES, *extra)]
        for kind, label in self.quote_kinds:
            self.fields[f"quote_{kind}"] = forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "1", "placeholder": "0"}),
                error_messages={"min_value": _("报价不能为负数。")},
            )
        self.quote_error = ""

    # What the page needs to explain the rules next to the fields; the rule set decides.
    @property
    def is_large(self) -> bool:
        return self.rules.is_large(self.fans)

    @property
    def can_submission(self) -> bool:
        return self.rules.submission_open(self.fans)

    @property
    def tasks_min_fans(self) -> int:
        return self.rules.tasks_min_fans

    @property
    def large_creator_fans(self) -> int:
        return self.rules.large_creator_fans

    @property
    def quote_fields(self) -> list[forms.BoundField]:
        return [self[f"quote_{kind}"] for kind, _label in self.quote_kinds]

    def spread_reason(self) -> str:
        return _("粉丝 %(fans)s以上可开通传播任务") % {"fans": round_count(self.large_creator_fans)}

    def submission_reason(self) -> str:
        return _("粉丝 %(fans)s以上可开通投稿任务") % {"fans": round_count(self.tasks_min_fans)}

    def clean(self) -> dict:
        data = super().clean()
        # docs/program.md §1 tasks_enabled (FAQ: 1-10w 投稿, 10w+ 传播+投稿) and quote_set (10万粉以上).
        if data.get("spread_enabled") and not self.is_large:
            self.add_error("spread_enabled", self.spread_reason())
        if data.get("submission_enabled") and not self.can_submission:
            self.add_error("submission_enabled", self.submission_reason())
        if self.is_large and not self.quotes() and not any(f"quote_{k}" in self.errors for k, _l in self.quote_kinds):
            fans = round_count(self.large_creator_fans)
            self.quote_error = _("粉丝 %(fans)s以上须至少设置一项报价。") % {"fans": fans}
            self.add_error(None, forms.ValidationError(self.quote_error, code="quote_required"))
        return data

    def quotes(self) -> dict[str, Decimal]:
        """The quotes filled in (kind → yuan); an empty amount removes that quote."""
        data = getattr(self, "cleaned_data", {})
        return {kind: data[f"quote_{kind}"] for kind, _l in self.quote_kinds if data.get(f"quote_{kind}") is not None}

    def profile(self) -> ProfileFacts:
        """The profile as it would be saved (valid forms only), for the rules to judge before saving."""
        data = self.cleaned_data
        return ProfileFacts(data["intro"], data["region"], list(data["industries"]), data["submission_enabled"],
                            data["spread_enabled"], bool(self.quotes()))  # fmt: skip
