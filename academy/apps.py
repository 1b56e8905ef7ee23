from django.apps import AppConfig


class AcademyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"

    def ready(self) -> None:
        # Plug academy's line type into the creators ingest from above: creators never imports academy.
        from creators.ingest import register

        from .ingest import CourseProgressHandler

        register(CourseProgressHandler())
