"""``manage.py ingest``: the summary, exit status and reject report operators rely on."""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from creators.models import Content, Creator

from .lines import content_line, creator_line, jsonl_text

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("ingest", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def feed_file(tmp_path):
    def write(lines: list) -> str:
        path = tmp_path / "feed.jsonl"
        path.write_text(jsonl_text(lines), encoding="utf-8")
        return str(path)

    return write


def test_the_last_stdout_line_is_the_json_summary(feed_file):
    stdout, _ = run(feed_file([creator_line("c-1"), content_line()]))

    assert json.loads(stdout.splitlines()[-1]) == {
        "accepted": 2,
        "rejected": 0,
        "by_type": {"creator": 1, "content": 1},
        "valid": 2,
    }


def test_a_reject_stores_nothing_exits_1_and_still_ends_stdout_with_the_summary(feed_file):
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command(
            "ingest", feed_file([creator_line("c-1"), content_line(effective_plays=-5)]), stdout=stdout, stderr=stderr
        )

    assert error.value.returncode == 1
    assert json.loads(stdout.getvalue().splitlines()[-1]) == {
        "accepted": 0,
        "rejected": 1,
        "by_type": {},
        "valid": 1,
    }
    assert 'line 2: "effective_plays" must be a non-negative integer, got -5' in stderr.getvalue()
    assert not Creator.objects.exists()


def test_skip_invalid_stores_the_valid_lines_writes_the_rejects_file_and_exits_0(feed_file, tmp_path):
    bad = content_line("v-2", kind="photo")
    rejects = tmp_path / "rejects.jsonl"

    stdout, _ = run(
        feed_file([creator_line("c-1"), content_line("v-1"), bad]), "--skip-invalid", "--rejects", str(rejects)
    )

    assert json.loads(stdout.splitlines()[-1])["rejected"] == 1
    assert list(Content.objects.values_list("external_id", flat=True)) == ["v-1"]
    [reject] = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject == {
        "line": 3,
        "reason": '"kind" must be one of "video", "live", got "photo"',
        "raw": json.dumps(bad, ensure_ascii=False),
    }


def test_stdin_is_read_with_a_dash(monkeypatch):
    data = jsonl_text([creator_line("c-1", nickname="小美"), content_line()]).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))

    stdout, _ = run("-")

    assert json.loads(stdout.splitlines()[-1])["accepted"] == 2
    assert Creator.objects.get().nickname == "小美"


def test_an_unreadable_path_is_a_clear_error_and_stores_nothing(tmp_path):
    with pytest.raises(CommandError, match=r"cannot read .*missing\.jsonl: No such file or directory"):
        run(str(tmp_path / "missing.jsonl"))

    assert not Creator.objects.exists()


def test_many_rejects_show_the_first_ones_and_point_to_the_rest(feed_file):
    stderr = io.StringIO()

    with pytest.raises(CommandError):
        call_command("ingest", feed_file(["nope"] * 30), stdout=io.StringIO(), stderr=stderr)

    lines = stderr.getvalue().splitlines()
    assert lines[0].startswith("line 1: not valid JSON")
    assert lines[20] == "… and 10 more rejected line(s) (use --rejects PATH to get them all)"
