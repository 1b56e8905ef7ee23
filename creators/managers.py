"""The creators the program works with."""

from django.db import models


class InProgramManager(models.Manager):
    """``Creator.objects``: creators not erased. An erased creator's row stays for the ledger (docs/privacy.md)
    but is in no list, search, job or page; ``Creator.everyone`` reaches it."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(erased_at__isnull=True)
