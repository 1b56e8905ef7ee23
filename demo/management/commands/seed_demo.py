"""``seed_demo``: the demo data set of the default run and of benchmarks (docs/interfaces.md §5).

The catalogue (courses with lessons, submission tasks) is written with the ORM; every creator and all
their activity go through ``ingest_lines``, the data platform's own path. Levels are never set here: the
jobs derive them from the data (``_replay``), each run at a tick of its own schedule
(``demo.history``), so history and messages are dated as the jobs would have dated them. The exposure
history (``demo.impressions``) follows the benefits those runs granted.
"""

import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from academy.models import Course, Lesson
from creators.ingest import ingest_lines
from creators.models import Creator, SubmissionTask
from demo.catalogue import COURSES, lesson_duration, task_rows
from demo.clock import local_instant
from demo.emit import line_type
from demo.english import COURSES_EN
from demo.feed import generate_creators
from demo.history import reference_time, replayed_runs
from demo.impressions import DAYS as IMPRESSION_DAYS
from demo.impressions import seed_impressions
from demo.story import DEMO_CREATOR_ID
from levels import jobs

PROGRESS_EVERY = 10_000


def _instant(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--at: not an ISO 8601 instant: {value!r}") from error
    return local_instant(at)


class Command(BaseCommand):
    help = (
        "Build the deterministic demo data set: academy courses, submission tasks, N creators with their "
        "activity (pushed through the ingest), and DEMO logins with well-known passwords — "
        "operator/operator (staff, operators group), viewer/viewer (staff, ops_viewers group: read-only "
        "console), client/client (clients group: the square and leaderboards) and creator/creator (the LV3 "
        "creator c-1001). The logins are made only with DEBUG on or --demo-logins. "
        "Never run this against a production database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--creators", type=int, default=300, help="how many creators (default 300)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--at", type=_instant, default=None, help="ISO 8601 instant the data is relative to (default: now)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if any creator exists (used by `make run`)"
        )
        parser.add_argument(
            "--demo-logins",
            action="store_true",
            help="create the demo logins even with DEBUG off (they have well-known passwords)",
        )

    def handle(
        self, *args, creators: int, seed: int, at: datetime | None, if_empty: bool, demo_logins: bool, **options
    ) -> None:
        if creators < 0:
            raise CommandError("--creators must be 0 or more")
        if if_empty and Creator.objects.exists():
            self.stdout.write("seed_demo: creators already exist, nothing to do (--if-empty)")
            return
        # Refused before anything is written: logins with well-known passwords never reach a server
        # running with DEBUG off by accident (``make run`` sets DEBUG=1).
        if not (settings.DEBUG or demo_logins):
            raise CommandError(
                "seed_demo creates demo logins with well-known passwords (operator/operator, viewer/viewer, "
                "client/client, creator/creator), so with DEBUG off it needs --demo-logins. Nothing was written."
            )
        at = at or local_instant(timezone.now())
        reference = reference_time(at)
        started = time.monotonic()
        self.stdout.write(f"seed_demo: {creators:,} creators, seed {seed}, at {at.isoformat()}")
        seed_courses()
        seed_tasks(at=at)
        counts = self._ingest(creators=creators, seed=seed, at=at, reference=reference, started=started)
        seed_logins()
        self._replay(at, reference)
        impressions = seed_impressions(at=at, seed=seed)
        self.stdout.write(f"seed_demo: {impressions:,} impression rows (the last {IMPRESSION_DAYS} days)")
        by_type = ", ".join(f"{t} {n:,}" for t, n in sorted(counts.items()))
        self.stdout.write(
            f"seed_demo: done — {counts['creator']:,} creators, {sum(counts.values()):,} lines ({by_type}) "
            f"in {time.monotonic() - started:.1f}s"
        )

    def _replay(self, at: datetime, reference: datetime) -> None:
        """Levels, history and benefits come from the data, through the same jobs beat runs, each at a
        tick of its schedule (``demo.history.replayed_runs``): among them the reference run (so
        ``at_risk`` creators hold their tier and show as at risk now), the quarter's reward assessment,
        then the day's upgrade check and at-risk warning."""
        for job, due in replayed_runs(at=at, reference=reference):
            run, _ = jobs.trigger(job, due=due)
            when = due.at.astimezone(at.tzinfo).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"seed_demo: {job} {due.period} at {when}: {run.summary}")

    def _ingest(self, *, creators: int, seed: int, at: datetime, reference: datetime, started: float) -> Counter:
        counts: Counter = Counter()
        # The feed is dated around ``at``: the ingest's "now" is ``at`` (a future --at is taken).
        lines = self._stream(creators, seed, at, reference, counts, started)
        result = ingest_lines(lines, now=at)
        if result.rejected:
            sample = "\n".join(f"  line {r.line}: {r.reason}" for r in result.rejects_sample[:10])
            raise CommandError(f"the ingest rejected {result.rejected} demo lines; nothing stored:\n{sample}")
        return counts

    def _stream(
        self, creators: int, seed: int, at: datetime, reference: datetime, counts: Counter, started: float
    ) -> Iterator[str]:
        """The generator's lines, counted, with a progress line every 10,000 creators."""
        for index, lines in enumerate(generate_creators(creators, seed=seed, at=at, ref=reference), 1):
            for line in lines:
                counts[line_type(line)] += 1
                yield line
            if index % PROGRESS_EVERY == 0:
                self.stdout.write(
                    f"  {index:,} creators, {sum(counts.values()):,} lines, {time.monotonic() - started:.0f}s"
                )
                self.stdout.flush()  # shown as it happens, also when stdout is a file or a pipe


def seed_courses() -> None:
    """星图学院 courses with their lessons; safe to re-run (keyed by course code and lesson position)."""
    for position, (code, title, summary, lessons) in enumerate(COURSES, 1):
        title_en, summary_en, lessons_en = COURSES_EN[code]
        course, _ = Course.objects.update_or_create(
            code=code,
            defaults={"title": title, "title_en": title_en, "summary": summary, "summary_en": summary_en,
                      "position": position, "is_published": True},
        )  # fmt: skip
        Lesson.objects.bulk_create(
            [
                Lesson(course=course, position=i, title=t, title_en=t_en, duration_seconds=lesson_duration(code, i))
                for i, (t, t_en) in enumerate(zip(lessons, lessons_en, strict=True), 1)
            ],
            ignore_conflicts=True,
        )


def seed_tasks(*, at: datetime) -> None:
    """Submission tasks, open and close dates relative to ``at``; keyed by code."""
    for row in task_rows(at):
        SubmissionTask.objects.update_or_create(code=row.pop("code"), defaults=row)


# Demo login (its password is its username) → is_staff, the setting naming its group. The creator login,
# linked to the demo creator, is made after them.
DEMO_STAFF = {
    "operator": (True, "OPERATORS_GROUP"),
    "viewer": (True, "VIEWERS_GROUP"),
    "client": (False, "CLIENTS_GROUP"),
}


@transaction.atomic
def seed_logins() -> None:
    """The demo logins (docs/interfaces.md §5). Passwords are set only when a user is created; the groups
    come from the console's migration and are only looked up here."""
    User = get_user_model()
    for username, (is_staff, group_setting) in DEMO_STAFF.items():
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
        if created:
            user.set_password(username)
            user.save(update_fields=["password"])
        elif is_staff and not user.is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=getattr(settings, group_setting)))

    user, created = User.objects.get_or_create(username="creator")
    if created:
        user.set_password("creator")
        user.save(update_fields=["password"])
    Creator.objects.filter(user=user).exclude(external_id=DEMO_CREATOR_ID).update(user=None)
    Creator.objects.filter(external_id=DEMO_CREATOR_ID).update(user=user)
