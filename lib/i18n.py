"""Texts kept in two languages side by side: the program's catalogue and the platform's content carry an
optional English text next to the Chinese one (docs/i18n.md). The active language picks."""

from django.utils.translation import get_language


def english() -> bool:
    """Whether the reader reads English (the active language); Chinese is the site's own language."""
    return (get_language() or "zh-hans").startswith("en")


def localized(chinese: str, english_text: str) -> str:
    """``english_text`` for an English reader when there is one, else ``chinese`` (a row nobody has
    translated yet reads as written)."""
    return english_text if english_text and english() else chinese


class Localized:
    """A model attribute that reads the field ``chinese``, or for an English reader the field ``english`` when
    it is set; when both are empty, the field ``fallback`` (e.g. the code) if one is named.

    ``display_name = Localized("name", "name_en")`` on a model with ``name`` and ``name_en``."""

    def __init__(self, chinese: str, english: str, *, fallback: str = "") -> None:
        self.chinese, self.english, self.fallback = chinese, english, fallback

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        text = localized(getattr(obj, self.chinese), getattr(obj, self.english))
        return text or (getattr(obj, self.fallback) if self.fallback else "")
