"""Fixtures for the creators tests: running the ingest, a known creator, ingest tokens."""

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from creators.ingest import IngestResult, ingest_lines
from creators.models import Creator, IngestToken

from .lines import Line, jsonl


@pytest.fixture
def feed(db: None) -> Callable[..., IngestResult]:
    """``feed([...], skip_invalid=..., batch_size=...)``: run ``ingest_lines`` on dicts or raw lines."""

    def run(lines: Iterable[Line], **options: Any) -> IngestResult:
        return ingest_lines(jsonl(lines), **options)

    return run


@pytest.fixture
def creator(db: None) -> Creator:
    """A creator the platform sent before: ``c-1``."""
    return Creator.objects.create(external_id="c-1", nickname="老王", fans=150_000, credit_score=90, region="上海")


@pytest.fixture
def token(db: None) -> tuple[IngestToken, str]:
    """A live ingest token and its raw value."""
    token = IngestToken(name="data platform")
    raw = token.set_new_token()
    token.save()
    return token, raw
