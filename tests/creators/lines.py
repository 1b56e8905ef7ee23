"""Builders for activity-feed lines in tests: one valid line per type, keys overridable."""

import json
from collections.abc import Iterable
from typing import Any

Line = dict[str, Any] | str | bytes


def jsonl(lines: Iterable[Line]) -> list[str | bytes]:
    """Feed lines: dicts become JSON, strings and bytes are sent as they are."""
    return [json.dumps(line, ensure_ascii=False) if isinstance(line, dict) else line for line in lines]


def jsonl_text(lines: Iterable[Line]) -> str:
    return "".join(f"{line}\n" for line in jsonl(lines))


def creator_line(external_id: str = "c-1", **keys: Any) -> dict[str, Any]:
    return {"type": "creator", "id": external_id, "nickname": f"达人{external_id}", **keys}


def content_line(external_id: str = "v-1", creator: str = "c-1", **keys: Any) -> dict[str, Any]:
    return {
        "type": "content",
        "id": external_id,
        "creator": creator,
        "kind": "video",
        "published_at": "2026-01-05T20:00:00+08:00",
        "effective_plays": 12_000,
        **keys,
    }


def fans_line(creator: str = "c-1", date: str = "2026-01-05", fans: int = 150_000, **keys: Any) -> dict[str, Any]:
    return {"type": "fans", "creator": creator, "date": date, "fans": fans, **keys}


def credit_line(creator: str = "c-1", date: str = "2026-01-05", score: int = 88, **keys: Any) -> dict[str, Any]:
    return {"type": "credit", "creator": creator, "date": date, "score": score, **keys}


def order_line(external_id: str = "o-1", creator: str = "c-1", **keys: Any) -> dict[str, Any]:
    return {
        "type": "order",
        "id": external_id,
        "creator": creator,
        "kind": "standard",
        "status": "completed",
        "created_at": "2026-01-02T09:00:00+08:00",
        "completed_at": "2026-01-04T18:00:00+08:00",
        "amount": 8000,
        **keys,
    }


def event_line(creator: str = "c-1", at: str = "2026-01-05T09:30:00+08:00", **keys: Any) -> dict[str, Any]:
    return {"type": "event", "creator": creator, "name": "task_hall_viewed", "at": at, **keys}


def submission_line(external_id: str = "s-1", creator: str = "c-1", **keys: Any) -> dict[str, Any]:
    return {
        "type": "submission",
        "id": external_id,
        "creator": creator,
        "task": "t-spring",
        "submitted_at": "2026-01-06T12:00:00+08:00",
        **keys,
    }


def progress_line(creator: str = "c-1", course: str = "k-101", completion: float = 0.5, **keys: Any) -> dict[str, Any]:
    return {"type": "course_progress", "creator": creator, "course": course, "completion": completion, **keys}
