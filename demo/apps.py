from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set: the ``seed_demo`` command and its generator (no models)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "演示数据"
