from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The creator portal: pages that combine creators, academy, benefits and levels (no models)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "达人门户"
