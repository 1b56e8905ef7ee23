from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SquareConfig(AppConfig):
    """The client-facing pages: the creator square (达人广场) and the leaderboards; the square's listing of the
    day (``SquareEntry``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "square"
    verbose_name = _("达人广场")

    def ready(self) -> None:
        from creators.privacy import creator_erased

        from .listing import creator_erased_drop

        creator_erased.connect(creator_erased_drop, dispatch_uid="square.creator_erased_drop")
