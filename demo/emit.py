"""The demo's JSON Lines, one emitter per ingest line type (docs/interfaces.md §1).

The emitters only format: every value is drawn by the caller. Each fixes its type's key order, so the
lines are byte for byte the same however a caller builds its values. The high-volume types are written
with f-strings: their values are ASCII ids, numbers and timestamps, so no escaping is needed (a content
item's title, the one text among them, is JSON-encoded on its own), and this halves the generator's
time at 100,000 creators.
"""

import json
from datetime import date, datetime

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def line_type(line: str) -> str:
    """The ``type`` of a line emitted here (it is always the first key)."""
    return line[9 : line.index('"', 9)]


class CreatorLines:
    """One creator's lines, in the order the ingest needs them (the creator line first)."""

    def __init__(self, creator_id: str) -> None:
        self.creator_id = creator_id
        self.lines: list[str] = []

    def creator(
        self,
        *,
        nickname: str,
        fans: int,
        credit_score: int,
        douyin_bound: bool,
        intro: str,
        region: str,
        industries: list[str],
        task_types: list[str],
        quotes: dict[str, int] | None,
        joined_at: datetime,
    ) -> None:
        fields = {
            "type": "creator",
            "id": self.creator_id,
            "nickname": nickname,
            "fans": fans,
            "credit_score": credit_score,
            "douyin_bound": douyin_bound,
            "intro": intro,
            "region": region,
            "industries": industries,
            "task_types": task_types,
        }
        if quotes is not None:
            fields["quotes"] = quotes
        fields["joined_at"] = joined_at.isoformat()
        self.lines.append(_encode(fields))

    def content(
        self,
        *,
        content_id: str,
        kind: str,
        published_at: datetime,
        plays: int,
        likes: int,
        comments: int,
        shares: int,
        completion_rate: float,
        clicks: int,
        conversions: int,
        title: str,
    ) -> None:
        self.lines.append(
            f'{{"type":"content","id":"{content_id}","creator":"{self.creator_id}","kind":"{kind}",'
            f'"published_at":"{published_at.isoformat()}","effective_plays":{plays},"likes":{likes},'
            f'"comments":{comments},"shares":{shares},"completion_rate":{completion_rate!r},'
            f'"component_clicks":{clicks},"conversions":{conversions},"title":{_encode(title)}}}'
        )

    def fans(self, day: date, fans: int) -> None:
        self.lines.append(f'{{"type":"fans","creator":"{self.creator_id}","date":"{day.isoformat()}","fans":{fans}}}')

    def credit(self, day: date, score: int) -> None:
        self.lines.append(
            f'{{"type":"credit","creator":"{self.creator_id}","date":"{day.isoformat()}","score":{score}}}'
        )

    def order(
        self,
        *,
        order_id: str,
        kind: str,
        status: str,
        created_at: datetime,
        completed_at: datetime | None,
        amount: int,
        plays: int | None,
        rating: float | None,
    ) -> None:
        """An order; ``completed_at``, ``plays`` and ``rating`` only when it is completed."""
        fields: dict = {
            "type": "order",
            "creator": self.creator_id,
            "id": order_id,
            "kind": kind,
            "status": status,
            "created_at": created_at.isoformat(),
        }
        if completed_at is not None:
            fields["completed_at"] = completed_at.isoformat()
        fields["amount"] = amount
        if plays is not None:
            fields["plays"] = plays
        if rating is not None:
            fields["rating"] = rating
        self.lines.append(_encode(fields))

    def course_progress(self, course: str, completion: float, at: datetime) -> None:
        self.lines.append(
            f'{{"type":"course_progress","creator":"{self.creator_id}","course":"{course}",'
            f'"completion":{completion!r},"at":"{at.isoformat()}"}}'
        )

    def submission(
        self, *, entry_id: str, task: str, submitted_at: datetime, content_id: str, plays: int, earnings: float
    ) -> None:
        fields = {
            "type": "submission",
            "creator": self.creator_id,
            "id": entry_id,
            "task": task,
            "submitted_at": submitted_at.isoformat(),
            "content": content_id,
            "effective_plays": plays,
            "earnings": earnings,
        }
        self.lines.append(_encode(fields))

    def event(self, name: str, at: datetime) -> None:
        self.lines.append(f'{{"type":"event","creator":"{self.creator_id}","name":"{name}","at":"{at.isoformat()}"}}')
