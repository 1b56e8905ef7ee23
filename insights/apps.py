from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = _("经营数据")

    def ready(self) -> None:
        from .checks import check_weights

        checks.register(check_weights)
