"""Benchmark the activity-feed ingest: generate a realistic JSON Lines feed, load it, report speed and memory.

    .venv/bin/python bench/ingest.py --lines 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench .venv/bin/python bench/ingest.py

Runs ``migrate`` on whatever ``DATABASE_URL`` points at, writes the feed to a temporary file (not
timed), then times one ``ingest_lines`` call on it, read as the ``ingest`` command reads a file. The
last stdout line is JSON: lines, seconds, lines/s, peak RSS. See bench/README.md.
"""

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")

# Share of each line type in the feed (the creators' activity a day of the platform sends).
MIX = {
    "creator": 3,
    "content": 60,
    "fans": 10,
    "credit": 4,
    "order": 8,
    "submission": 6,
    "course_progress": 6,
    "event": 3,
}
INDUSTRIES = ["美食", "旅行", "美妆", "数码", "母婴", "游戏", "汽车", "家居"]
REGIONS = ["上海", "北京", "广州", "深圳", "杭州", "成都"]
START = datetime(2025, 6, 1)


def generate(path: Path, *, lines: int, seed: int) -> None:
    """Write ``lines`` feed lines. Every line is valid and names a creator defined on an earlier line."""
    rng = random.Random(seed)
    types, weights = list(MIX), list(MIX.values())
    creators = contents = 0

    def stamp() -> str:
        moment = START + timedelta(seconds=rng.randrange(240 * 86400))
        return moment.isoformat() if rng.random() < 0.7 else moment.isoformat() + "+08:00"

    def someone() -> str:
        return f"c-{rng.randrange(creators)}"

    with path.open("w", encoding="utf-8") as out:
        for n in range(lines):
            kind = rng.choices(types, weights)[0] if creators else "creator"
            if kind == "creator":
                line = {"type": "creator", "id": f"c-{creators}", "nickname": f"达人{creators}"}
                creators += 1
                if rng.random() < 0.8:
                    fans = rng.randrange(1_000, 2_000_000)
                    line |= {
                        "fans": fans,
                        "credit_score": rng.randrange(40, 101),
                        "douyin_bound": rng.random() < 0.9,
                        "intro": "专注内容创作",
                        "region": rng.choice(REGIONS),
                        "industries": rng.sample(INDUSTRIES, 2),
                        "task_types": ["submission", "spread"] if fans >= 100_000 else ["submission"],
                        "joined_at": stamp(),
                    }
                    if fans >= 100_000:
                        line["quotes"] = {"video_1_20s": fans // 20, "video_21_60s": fans // 12}
            elif kind == "content":
                plays = rng.randrange(100, 500_000)
                line = {
                    "type": "content",
                    "id": f"v-{n}",
                    "creator": someone(),
                    "kind": "video" if rng.random() < 0.85 else "live",
                    "published_at": stamp(),
                    "effective_plays": plays,
                    "likes": plays // rng.randrange(10, 60),
                    "comments": plays // 500,
                    "shares": plays // 800,
                    "completion_rate": round(rng.random(), 3),
                    "component_clicks": plays // 300,
                    "conversions": plays // 3000,
                }
                contents = n
            elif kind == "fans":
                day = date(2025, 6, 1) + timedelta(days=rng.randrange(240))
                line = {"type": "fans", "creator": someone(), "date": day.isoformat(), "fans": rng.randrange(2_000_000)}
            elif kind == "credit":
                day = date(2025, 6, 1) + timedelta(days=rng.randrange(240))
                line = {
                    "type": "credit",
                    "creator": someone(),
                    "date": day.isoformat(),
                    "score": rng.randrange(40, 101),
                }
            elif kind == "order":
                status = rng.choice(["completed", "completed", "completed", "cancelled", "in_progress"])
                line = {
                    "type": "order",
                    "id": f"o-{n}",
                    "creator": someone(),
                    "kind": rng.choice(["standard", "standard", "standard", "mass", "minigame"]),
                    "status": status,
                    "created_at": stamp(),
                    "amount": rng.randrange(500, 80_000) + 0.5,
                    "plays": rng.randrange(1_000, 900_000),
                    "rating": rng.choice([3, 4, 4.5, 5]),
                }
                if status == "completed":
                    line["completed_at"] = stamp()
            elif kind == "submission":
                line = {
                    "type": "submission",
                    "id": f"s-{n}",
                    "creator": someone(),
                    "task": f"t-{rng.randrange(200)}",
                    "submitted_at": stamp(),
                    "content": f"v-{contents}",
                    "effective_plays": rng.randrange(50_000),
                    "earnings": round(rng.random() * 300, 2),
                }
            elif kind == "course_progress":
                line = {
                    "type": "course_progress",
                    "creator": someone(),
                    "course": f"k-{rng.randrange(30)}",
                    "completion": round(rng.random(), 2),
                    "at": stamp(),
                }
            else:
                name = "task_hall_viewed" if rng.random() < 0.6 else "assistant_viewed"
                line = {"type": "event", "creator": someone(), "name": name, "at": stamp()}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="feed lines to generate (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated feed")
    parser.add_argument("--batch-size", type=int, default=None, help="default: settings.INGEST_BATCH_SIZE")
    parser.add_argument("--profile", metavar="PATH", help="write a cProfile of the ingest to PATH")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from creators.ingest import ingest_lines

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.jsonl"
        started = time.perf_counter()
        generate(path, lines=args.lines, seed=args.seed)
        print(f"generated {args.lines:,} lines in {time.perf_counter() - started:.1f}s", file=sys.stderr)

        started = time.perf_counter()
        with path.open("rb") as source:
            if args.profile:
                import cProfile

                with cProfile.Profile() as profile:
                    result = ingest_lines(source, batch_size=args.batch_size)
                profile.dump_stats(args.profile)
            else:
                result = ingest_lines(source, batch_size=args.batch_size)
        seconds = time.perf_counter() - started

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "lines": args.lines,
                "accepted": result.accepted,
                "rejected": result.rejected,
                "seconds": round(seconds, 2),
                "lines_per_s": round(args.lines / seconds),
                "peak_rss_mb": round(peak_kb / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
