"""Forms of the creator portal: they only validate and clean input; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benefits.models import FeaturedCase


class CaseForm(forms.Form):
    """学院精选案例: title, the content's link, and 案例推荐内容 (FAQ Q10)."""

    title = forms.CharField(
        label=_("案例标题"), max_length=FeaturedCase._meta.get_field("title").max_length, strip=True
    )
    link = forms.URLField(
        label=_("作品链接"),
        max_length=FeaturedCase._meta.get_field("link").max_length,
        assume_scheme="https",
        help_text=_("抖音作品或直播回放的链接,以 https:// 开头"),
    )
    recommendation = forms.CharField(
        label=_("案例推荐内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=True,
        help_text=_("说明这条作品的亮点、数据和合作经验,不超过 2000 字"),
    )
