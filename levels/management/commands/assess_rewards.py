from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from creators.models import Creator
from levels import jobs
from levels.models import Assessment, JobRun
from levels.rules import load_rules, rewards_month
from levels.services import evaluate_rewards_chunk
from lib.periods import Cycle

from ._jobs import JobCommand


class Command(JobCommand):
    help = (
        "Judge reward cycle --cycle (e.g. 2026Q4, docs/program.md §2) at the level each creator holds, and grant "
        "the level's reward benefits to those who pass. Runs once per cycle; a repeat prints the stored results."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", required=True, help="natural quarter, e.g. 2026Q4")
        self.add_at(parser)
        parser.add_argument("--json", action="store_true", help="print one JSON object per creator, then a summary")
        self.add_common(parser)

    def handle(self, *args, **options):
        try:
            cycle = Cycle.parse(options["cycle"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        at, creator_ids = self.at(options), self.creator_ids(options)
        if at < cycle.end:
            self.stderr.write(f"note: cycle {cycle} has not ended at {at.isoformat()}; judging the data so far")
        if options["dry_run"]:
            summary = self._dry_run(cycle, creator_ids, as_json=options["json"])
        else:
            key = cycle.key if creator_ids is None else cycle.key + jobs.key_for(at, creator_ids)[-9:]
            due = jobs.Due(cycle.key, key, at)
            run, created = jobs.trigger(JobRun.Job.ASSESS_REWARDS, due=due, creator_ids=creator_ids)
            self.report_existing(run, created)
            if options["json"]:
                rows = (
                    Assessment.objects.filter(run=run)
                    .order_by("creator_id")
                    .values_list("creator__external_id", "level", "passed", "failed")
                )
                for external_id, level, passed, failed in rows.iterator(chunk_size=5000):
                    self.emit({"creator": external_id, "level": level, "passed": passed, "failed": failed})
            summary = {k: run.summary.get(k, 0) for k in ("assessed", "passed")}
        if options["json"]:
            self.emit({"summary": summary})
        else:
            self.stdout.write("assessed {assessed}, passed {passed}".format(**summary))

    def _dry_run(self, cycle: Cycle, creator_ids, *, as_json: bool) -> dict:
        rules = load_rules(rewards_month(cycle))
        only = set(creator_ids) if creator_ids is not None else None
        summary = {"assessed": 0, "passed": 0}
        for first, last in jobs.chunk_ranges(jobs.creator_id_stream(creator_ids), settings.ASSESS_CHUNK_SIZE):
            results = evaluate_rewards_chunk(first_id=first, last_id=last, cycle=cycle, rules=rules, only=only)
            names = dict(Creator.objects.filter(pk__gte=first, pk__lte=last).values_list("pk", "external_id"))
            for creator_id, r in results:
                summary["assessed"] += 1
                summary["passed"] += r.passed
                if as_json:
                    self.emit({"creator": names[creator_id], "level": r.level, "passed": r.passed, "failed": r.failed})
        return summary
