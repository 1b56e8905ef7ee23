from collections.abc import Iterable
from datetime import datetime

from .models import AssistantMessage


def message_send_many(*, messages: Iterable[AssistantMessage]) -> None:
    """Deliver assistant messages in one statement. A message whose ``dedupe_key`` was sent before is
    dropped silently, so a job that runs again sends nothing twice."""
    AssistantMessage.objects.bulk_create(list(messages), ignore_conflicts=True, batch_size=1000)


def message(
    *, creator_id: int, kind: str, title: str, body: str = "", at: datetime, dedupe_key: str | None, link: str = ""
) -> AssistantMessage:
    return AssistantMessage(
        creator_id=creator_id, kind=kind, title=title, body=body, created_at=at, dedupe_key=dedupe_key, link=link
    )
