from django.conf import settings
from django.core.management.base import CommandParser

from creators.models import Creator
from levels import jobs
from levels.decisions import chunk_preview
from levels.models import Assessment, JobRun
from levels.rules import load_rules

from ._jobs import JobCommand


class Command(JobCommand):
    help = (
        "Assess creators' levels at --at (docs/program.md §1). --mode monthly sets level := qualified level and "
        "grants the period that starts at --at; --mode upgrade only moves creators up. The same run twice "
        "changes nothing and prints the stored results."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_at(parser)
        parser.add_argument("--mode", choices=["monthly", "upgrade"], default="monthly")
        parser.add_argument("--json", action="store_true", help="print one JSON object per creator, then a summary")
        self.add_common(parser)

    def handle(self, *args, **options):
        at, creator_ids = self.at(options), self.creator_ids(options)
        upgrade = options["mode"] == "upgrade"
        if options["dry_run"]:
            summary = self._dry_run(at, creator_ids, upgrade=upgrade, as_json=options["json"])
        else:
            job = JobRun.Job.ASSESS_UPGRADE if upgrade else JobRun.Job.ASSESS_MONTHLY
            due = (jobs.daily_due if upgrade else jobs.level_due)(at, creator_ids)
            run, created = jobs.trigger(job, due=due, creator_ids=creator_ids)
            self.report_existing(run, created)
            if options["json"]:
                self._print_run(run)
            summary = {k: run.summary.get(k, 0) for k in ("assessed", "up", "down", "same")}
        self.emit({"summary": summary}) if options["json"] else self.stdout.write(
            "assessed {assessed}: up {up}, down {down}, same {same}".format(**summary)
        )

    def _print_run(self, run: JobRun) -> None:
        rows = (
            Assessment.objects.filter(run=run)
            .order_by("creator_id")
            .values_list("creator__external_id", "previous_level", "level", "qualified_level", "failed")
        )
        for external_id, previous, level, qualified, failed in rows.iterator(chunk_size=5000):
            self.emit(_line(external_id, previous, level, qualified, failed))

    def _dry_run(self, at, creator_ids, *, upgrade: bool, as_json: bool) -> dict:
        rules = load_rules(at)
        only = set(creator_ids) if creator_ids is not None else None
        summary = {"assessed": 0, "up": 0, "down": 0, "same": 0}
        jobs.inputs_analyze()  # planned as the run would plan them
        for first, last in jobs.chunk_ranges(jobs.creator_id_stream(creator_ids), settings.ASSESS_CHUNK_SIZE):
            # The run's own decision, in SQL (levels.decisions).
            lines = [
                (p.creator_id, p.previous_level, p.level, p.qualified_level, p.failed)
                for p in chunk_preview(
                    first_id=first, last_id=last, at=at, rules=rules, only=only, upward_only=upgrade,
                    with_failed=as_json,
                )
            ]  # fmt: skip
            names = (
                dict(Creator.objects.filter(pk__gte=first, pk__lte=last).values_list("pk", "external_id"))
                if as_json
                else {}
            )
            for creator_id, previous, level, qualified, failed in lines:
                summary["assessed"] += 1
                summary["up" if level > previous else "down" if level < previous else "same"] += 1
                if as_json:
                    self.emit(_line(names[creator_id], previous, level, qualified, failed))
        return summary


def _line(external_id: str, previous: int, level: int, qualified: int | None, failed: dict) -> dict:
    """One creator's line of ``assess_levels --json`` (docs/interfaces.md §2): ``failed`` maps each level
    above ``level`` to its failing codes."""
    return {
        "creator": external_id,
        "previous_level": previous,
        "level": level,
        "qualified_level": qualified,
        "failed": failed,
    }
