"""The demo generator alone, no database: it streams valid lines and is deterministic — the same seed and
instant give the same bytes, in any process, and the same bytes as the generator gave when ``seed_demo``'s
output was last changed on purpose."""

import hashlib
import inspect
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

from django.conf import settings

from demo.feed import generate_lines

AT = "2026-05-20T10:30:00+08:00"
AT_DT = datetime.fromisoformat(AT)
# The reference instant ``seed_demo`` hands the generator for AT: the monthly assessment of 2026-05
# (``demo.history.reference_time``; test_history checks it is).
REF = "2026-05-01T02:00:00+08:00"
REF_DT = datetime.fromisoformat(REF)
N = 40
# sha256 of the feed of ``seed_demo --creators 300 --seed 1 --at <AT>``, each line ending in a newline. A
# change of the generator that changes the demo data fails here; if the change is meant, put the new hash.
# Last changed when content lines got their "title" (the feed without the titles hashed to the value
# before, d9d676ab…60672).
GOLDEN_300_SEED_1 = "cde729d085b6e34a1a4908c642de658e18fe62bb596a185145bd7d98f6b5c928"


def lines_hash(seed_value: int, at: datetime = AT_DT, creators: int = N) -> str:
    digest = hashlib.sha256()
    # A day later, 2026-05-01 02:00 is still the reference (19 days back).
    for line in generate_lines(creators, seed=seed_value, at=at, ref=REF_DT):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def test_the_generator_streams_instead_of_building_a_list():
    assert inspect.isgenerator(generate_lines(100_000, seed=1, at=AT_DT, ref=REF_DT))


def test_lines_are_valid_json_with_timestamps_in_shanghai_time():
    for line in generate_lines(N, seed=42, at=AT_DT, ref=REF_DT):
        obj = json.loads(line)
        for key in ("published_at", "created_at", "completed_at", "submitted_at", "at", "joined_at"):
            if key in obj:
                assert obj[key].endswith("+08:00"), line


def test_same_seed_and_instant_give_byte_identical_lines():
    assert lines_hash(42) == lines_hash(42)


def test_the_feed_is_the_one_seed_demo_has_always_written():
    assert lines_hash(1, creators=300) == GOLDEN_300_SEED_1


def test_lines_do_not_depend_on_the_process_hash_seed():
    # Set iteration order changes with PYTHONHASHSEED; the feed must not. The generator needs no Django.
    code = (
        "import hashlib; from datetime import datetime; from demo.feed import generate_lines\n"
        "d = hashlib.sha256()\n"
        f"for line in generate_lines({N}, seed=42, at=datetime.fromisoformat('{AT}'), "
        f"ref=datetime.fromisoformat('{REF}')):\n"
        "    d.update(line.encode() + b'\\n')\n"
        "print(d.hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == lines_hash(42)


def test_another_seed_or_instant_gives_other_lines():
    assert lines_hash(7) != lines_hash(42)
    assert lines_hash(42, AT_DT + timedelta(days=1)) != lines_hash(42)
