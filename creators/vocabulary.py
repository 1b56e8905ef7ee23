"""Fixed vocabularies of the creator's profile, with their names in the reader's language.

Industries are stored as the data platform and the profile form write them: the Chinese word ("美妆"), which
is both the value and its Chinese name. The list below is the one home of the industries the portal offers;
``industry_name`` gives a known one its English name for an English reader and shows any other value (a
free word the platform sent) as written.
"""

from collections.abc import Iterable

from django.utils.translation import pgettext, pgettext_lazy

# value → name (a lazy translation: Chinese by default, English in English).
INDUSTRIES = {
    "美妆": pgettext_lazy("industry", "美妆"),
    "美食": pgettext_lazy("industry", "美食"),
    "母婴": pgettext_lazy("industry", "母婴"),
    "数码": pgettext_lazy("industry", "数码"),
    "汽车": pgettext_lazy("industry", "汽车"),
    "旅行": pgettext_lazy("industry", "旅行"),
    "家居": pgettext_lazy("industry", "家居"),
    "服饰": pgettext_lazy("industry", "服饰"),
    "游戏": pgettext_lazy("industry", "游戏"),
    "教育": pgettext_lazy("industry", "教育"),
    "健康": pgettext_lazy("industry", "健康"),
    "宠物": pgettext_lazy("industry", "宠物"),
    "其他": pgettext_lazy("industry", "其他"),
}


def industry_name(value: str) -> str:
    """A stored industry in the reader's language; a value outside the vocabulary reads as written."""
    name = INDUSTRIES.get(value)
    return str(name) if name is not None else value


def industry_names(values: Iterable[str]) -> str:
    """A creator's industries as one line: "美妆、美食" in Chinese, "Beauty, Food" in English."""
    return pgettext("list of industries", "、").join(industry_name(v) for v in values)
