"""The header's unread-message badge, on every page of a signed-in creator: read with the creator on a
creator page that only reads (``portal.access.creator_required``), else one COUNT, only when the template
renders the badge."""

from functools import cache

from django.http import HttpRequest

from creators.models import AssistantMessage


def unread(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)

    @cache
    def unread_count() -> int:
        if user is None or not user.is_authenticated:
            return 0
        counted = getattr(getattr(request, "creator", None), "unread_messages", None)
        if counted is not None:
            return counted
        return AssistantMessage.objects.filter(creator__user=user, read_at__isnull=True).count()

    return {"unread_count": unread_count}
