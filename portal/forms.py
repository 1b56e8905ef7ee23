"""Forms of the creator portal: they only validate and clean input; services decide."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from benefits.models import CASE_LINK_HELP, FeaturedCase, validate_case_link


def _max_length(name: str) -> int:
    """A case field's length limit, as the model stores it (one home for each limit)."""
    return FeaturedCase._meta.get_field(name).max_length


class CaseForm(forms.Form):
    """学院精选案例: title, the content's link, and 案例推荐内容 (FAQ Q10). Every refusal says, in a
    creator's words, what to fix: the limit and the length typed, or the link's scheme."""

    title = forms.CharField(
        label=_("案例标题"),
        max_length=_max_length("title"),
        strip=True,
        error_messages={
            "required": _("请填写案例标题。"),
            "max_length": _("案例标题最多 %(limit_value)d 个字，现在是 %(show_value)d 个字。"),
        },
    )
    link = forms.CharField(
        label=_("作品链接"),
        max_length=_max_length("link"),
        strip=True,
        validators=[validate_case_link],
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://v.douyin.com/…"}),
        help_text=CASE_LINK_HELP,
        error_messages={
            "required": _("请填写作品链接。"),
            "max_length": _("作品链接最多 %(limit_value)d 个字符，现在是 %(show_value)d 个字符。"),
        },
    )
    recommendation = forms.CharField(
        label=_("案例推荐内容"),
        max_length=_max_length("recommendation"),
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=True,
        help_text=format_lazy(_("说明这条作品的亮点、数据和合作经验，不超过 {n} 字"), n=_max_length("recommendation")),
        error_messages={
            "required": _("请填写案例推荐内容。"),
            "max_length": _("案例推荐内容最多 %(limit_value)d 个字，现在是 %(show_value)d 个字。"),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # No ``maxlength`` in the page: a browser would cut a pasted text short without a word. The
        # server says how long it is and keeps all of it in the field to edit.
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)
