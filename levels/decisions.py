"""Level runs decided in SQL: the monthly assessment and the daily upgrade check (docs/program.md §1
"When levels move").

A chunk of a run is one ``INSERT … SELECT``: the database counts each creator's rows (the querysets of
``metrics.chunk_sources``, the ones ``measure_chunk`` fetches), evaluates the run's rules on them — the
conditions are generated from the ``Rules`` object, comparing with ``rules.OPERATORS``, the operators
``compare`` uses — decides the level (the monthly run: the qualified level, up or down; the daily check:
up only; an override in force holds the level held) and stores every creator's result row
(``Assessment``: the values, the qualified level, the failing codes above the level decided), as the
Python path stores it. Only the creators who move come back to Python, for the moves and their messages.

Why: the daily check moves about 2% of creators a day. In Python it fetched and evaluated all of them —
at 100,000 creators 7 of its 12.5 s went to 2.6 million rule comparisons, Django's per-value converters
and JSON encoding for the 98% who stay (bench/README.md, "Daily upgrade check"). The monthly run moved
the same per-creator work, and the encoding of every result row, from Python into the one statement.

The Python path (``measure_creator`` → ``level_metrics`` → ``evaluate_level``) stays the independent
check: tests/levels/test_metrics_agree.py asserts on random data across every boundary that both store
the same rows and move the same creators.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F

from lib.periods import Month
from lib.sql import sort_memory, without_jit

from .evaluation import LevelEvaluation
from .metrics import chunk_sources
from .models import Assessment, Comparison, CreatorLevel, JobRun
from .rules import FANS_FROM, LEVELS, OPERATORS, Rules
from .selectors import overridden_in

BOOL, COUNT, MEAN = "bool", "count", "mean"
# A chunk's content rows (~50,000 at 30 a creator) sort for the join in ~4 MB, PostgreSQL's default: at
# that the sort spilled to disk. With 16 MB it stays in memory (and the chunk took 55 ms, not 65–75).
WORK_MEM_MB = 16
CODE = re.compile(r"[a-z][a-z0-9_]*")  # requirement codes are written into the SQL as JSON strings


def _metrics(t: str, rules: Rules) -> dict[str, tuple[str, ...]]:
    """``level_metrics`` in SQL over the facts of alias ``t`` (named as ``Facts``' fields, yes/no as 1/0):
    code → (kind, expression) or, for a mean, (MEAN, numerator, denominator). The same interpretation of
    docs/program.md §1, written a second time on purpose; the property test holds the two equal."""
    fans_from = OPERATORS[FANS_FROM].sql
    large = f"{t}.fans {fans_from} {int(rules.large_creator_fans)}"
    return {
        "profile_complete": (BOOL, f"{t}.profile_complete = 1"),
        "task_hall_viewed": (BOOL, f"{t}.task_hall_viewed = 1"),
        "tasks_enabled": (BOOL, f"({t}.fans {fans_from} {int(rules.tasks_min_fans)} AND {t}.submission_enabled = 1 "
                                f"AND ({t}.spread_enabled = 1 OR NOT ({large})))"),
        "quote_set": (BOOL, f"({t}.has_quote = 1 OR NOT ({large}))"),
        "assistant_viewed": (BOOL, f"({t}.assistant_viewed = 1 OR NOT ({large}))"),
        "douyin_bound": (BOOL, f"{t}.douyin_bound = 1"),
        "courses_completed": (COUNT, f"{t}.courses_completed"),
        "posts_30d": (COUNT, f"{t}.posts"),
        "avg_plays_30d": (MEAN, f"{t}.plays", f"{t}.posts"),
        "submissions_30d": (COUNT, f"{t}.submissions"),
        "orders_30d": (COUNT, f"{t}.orders"),
        "fans": (COUNT, f"{t}.fans"),
        "likes_30d": (COUNT, f"{t}.likes"),
        "credit_score": (COUNT, f"{t}.credit_score"),
    }  # fmt: skip


def _positive(denominator: str) -> str:
    """A mean over no items is 0 (``metrics.mean``): its numerator is then 0 too, so dividing by 1 is exact."""
    return f"(CASE WHEN {denominator} = 0 THEN 1 ELSE {denominator} END)"


def _passes(metric: tuple[str, ...], comparison: str, threshold: int | None) -> str:
    """``compare`` in SQL: yes/no, or the value against the threshold with the rule's operator; a mean
    cross-multiplied, so it is decided exactly as the fraction is."""
    kind, value = metric[0], metric[1]
    if comparison == Comparison.REQUIRED:
        return value if kind == BOOL else f"{value} <> 0"
    if comparison not in OPERATORS or type(threshold) is not int:
        raise ValueError(f"a requirement compares with {comparison!r} against {threshold!r}")
    operator = OPERATORS[comparison].sql
    if kind == MEAN:
        return f"{value} {operator} {threshold} * {_positive(metric[2])}"
    return f"(CASE WHEN {value} THEN 1 ELSE 0 END) {operator} {threshold}" if kind == BOOL else (
        f"{value} {operator} {threshold}")  # fmt: skip


def _hundredths(metric: tuple[str, ...]) -> str:
    """A mean in hundredths, rounded half to even on the exact fraction (``evaluation.to_json``)."""
    n, d = f"(100 * {metric[1]})", _positive(metric[2])
    floor, twice_rest = f"({n} / {d})", f"(2 * ({n} %% {d}))"  # %% : a literal % in SQL run with parameters
    return f"({floor} + CASE WHEN {twice_rest} > {d} OR ({twice_rest} = {d} AND {floor} %% 2 = 1) THEN 1 ELSE 0 END)"


def _json(t: str, metrics: dict[str, tuple[str, ...]]) -> str:
    """The stored ``metrics`` object (``to_json``) as JSON text; a mean from column ``h_<code>`` of ``t``."""
    parts = []
    for code, (kind, value, *_) in metrics.items():
        if kind == BOOL:
            text = f"CASE WHEN {value} THEN 'true' ELSE 'false' END"
        elif kind == COUNT:
            text = f"CAST({value} AS TEXT)"
        else:
            h = f"{t}.h_{code}"
            text = (f"CAST({h} / 100 AS TEXT) || '.' || CASE WHEN {h} %% 100 < 10 THEN '0' ELSE '' END "
                    f"|| CAST({h} %% 100 AS TEXT)")  # fmt: skip
        parts.append(f"'\"{code}\": ' || {text}")
    return "'{' || " + " || ', ' || ".join(parts) + " || '}'"


def _failed_json(t: str, rules: Rules, above: str) -> str:
    """``LevelEvaluation.failed_above(above)`` as JSON text: each level above, the codes of its effective
    requirements that fail (column ``r<i>`` of ``t`` is requirement ``i``'s pass), in the rules' order."""
    entries = []
    for level in LEVELS:
        codes = " || ".join(
            f"CASE WHEN {t}.r{i} THEN '' ELSE '\"{rules.requirements[i].code}\", ' END"
            for i in rules.effective_indices[level]
        )
        listed = f"'[' || rtrim({codes}, ', ') || ']'" if codes else "'[]'"
        entries.append(f"CASE WHEN {above} < {level} THEN '\"{level}\": ' || {listed} || ', ' ELSE '' END")
    return "'{' || rtrim(" + " || ".join(entries) + ", ', ') || '}'"


def _decided(*, first_id: int, last_id: int, at: datetime, rules: Rules, only, upward_only: bool) -> tuple[str, list]:
    """One row per creator of the chunk: the facts, each requirement's pass (``r<i>``), the means in
    hundredths (``h_<code>``), ``held``, ``overridden`` (1/0), ``qualified``, ``ruled`` (the level the
    rules decide: the qualified level, or with ``upward_only`` never below the level held) and ``level``
    (the one held after the run)."""
    for requirement in rules.requirements:
        if not CODE.fullmatch(requirement.code):
            raise ValueError(f"requirement code {requirement.code!r} is not a code")
    sources = chunk_sources(first_id, last_id, at, rules, only)
    held = CreatorLevel.objects.filter(creator_id__gte=first_id, creator_id__lte=last_id).values("creator_id", "level")
    overridden = overridden_in(first_id=first_id, last_id=last_id, month=Month.of(at))
    joined = {"hl": held, "ov": overridden, "qu": sources.quotes, "ev": sources.events, "ct": sources.contents}
    joined |= {f"c_{attr}": queryset for attr, queryset in sources.counts.items()}
    params = list(sources.creators.query.sql_with_params()[1])
    joins = []
    for alias, queryset in joined.items():
        sub, sub_params = queryset.query.sql_with_params()
        joins.append(f"LEFT JOIN ({sub}) {alias} ON {alias}.creator_id = cr.creator_id")
        params += sub_params
    columns = [
        "cr.creator_id", "COALESCE(hl.level, 0) AS held",
        "CASE WHEN ov.creator_id IS NULL THEN 0 ELSE 1 END AS overridden",
        "COALESCE(cr.fans_at, cr.fans) AS fans", "COALESCE(cr.credit_at, cr.credit_score) AS credit_score",
        *(f"CASE WHEN cr.{flag} THEN 1 ELSE 0 END AS {flag}"
          for flag in ("douyin_bound", "profile_complete", "submission_enabled", "spread_enabled")),
        "CASE WHEN qu.creator_id IS NULL THEN 0 ELSE 1 END AS has_quote",
        "COALESCE(ev.task_hall_viewed, 0) AS task_hall_viewed", "COALESCE(ev.assistant_viewed, 0) AS assistant_viewed",
        "COALESCE(ct.n, 0) AS posts", "CAST(COALESCE(ct.plays, 0) AS BIGINT) AS plays",
        "CAST(COALESCE(ct.likes, 0) AS BIGINT) AS likes",
        *(f"COALESCE(c_{attr}.n, 0) AS {attr}" for attr in sources.counts),
    ]  # fmt: skip
    creators_sql = sources.creators.query.sql_with_params()[0]
    facts = f"SELECT {', '.join(columns)} FROM ({creators_sql}) cr {' '.join(joins)}"
    metrics = _metrics("f", rules)
    unknown = {r.code for r in rules.requirements} - set(metrics)
    if unknown:
        raise ValueError(f"no metric for requirement codes {sorted(unknown)}")
    passes = [
        f"{_passes(metrics[r.code], r.comparison, r.threshold)} AS r{i}" for i, r in enumerate(rules.requirements)
    ]
    means = [f"{_hundredths(m)} AS h_{code}" for code, m in metrics.items() if m[0] == MEAN]
    # MATERIALIZED: each fact is computed once per creator. Inlined, every use of ``fans`` re-ran the
    # latest-figure subquery — about forty times a creator, 5 s a chunk of 2,000 on PostgreSQL.
    measured = f"WITH f AS MATERIALIZED ({facts}) SELECT f.*, {', '.join([*passes, *means])} FROM f"

    def holds(level: int) -> str:
        return " AND ".join(f"m.r{i}" for i in rules.effective_indices[level]) or "1 = 1"

    climb = " ".join(f"WHEN NOT ({holds(level)}) THEN {level - 1}" for level in LEVELS)  # "0 if LV1 fails"
    qualified = f"SELECT m.*, CASE {climb} ELSE {LEVELS[-1]} END AS qualified FROM ({measured}) m"
    # The daily check only moves up (docs/program.md §1); an override in force holds the level held.
    ruled = "CASE WHEN d.qualified > d.held THEN d.qualified ELSE d.held END" if upward_only else "d.qualified"
    return (
        f"SELECT d.*, {ruled} AS ruled, CASE WHEN d.overridden = 1 THEN d.held ELSE {ruled} END AS level "
        f"FROM ({qualified}) d",
        params,
    )


def _tune() -> None:
    """This transaction's settings for the chunk statements (PostgreSQL; elsewhere nothing)."""
    sort_memory(WORK_MEM_MB)
    without_jit()


def _as_json(text: str) -> str:
    return f"CAST({text} AS jsonb)" if connection.vendor == "postgresql" else text


@dataclass(frozen=True)
class Mover:
    """A creator a run moves, as stored: ``failed`` holds the levels above the level the rules decided."""

    creator_id: int
    previous_level: int
    level: int
    qualified_level: int
    metrics: dict
    failed: dict[str, list[str]]

    @property
    def evaluation(self) -> LevelEvaluation:
        """The stored evaluation (means as stored, rounded): every level up to the qualified one holds."""
        failed = {level: self.failed.get(str(level), []) for level in LEVELS}
        return LevelEvaluation(metrics=self.metrics, qualified_level=self.qualified_level, failed=failed)


def chunk_decide(*, run: JobRun, first_id: int, last_id: int, rules: Rules, only=None) -> tuple[int, list[Mover]]:
    """Decide and store one chunk of ``run`` (in the caller's transaction): every creator's ``Assessment``
    row in one statement, then the creators who move in a second. Returns (creators assessed, movers)."""
    upward_only = run.job == JobRun.Job.ASSESS_UPGRADE
    decided, params = _decided(
        first_id=first_id, last_id=last_id, at=run.at, rules=rules, only=only, upward_only=upward_only
    )
    table = connection.ops.quote_name(Assessment._meta.db_table)
    metrics, failed = _json("e", _metrics("e", rules)), _failed_json("e", rules, "e.ruled")
    _tune()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "
            "(run_id, creator_id, previous_level, level, qualified_level, passed, metrics, failed) "
            f"SELECT %s, e.creator_id, e.held, e.level, e.qualified, NULL, {_as_json(metrics)}, {_as_json(failed)} "
            f"FROM ({decided}) e",
            [run.pk, *params],
        )
        assessed = cursor.rowcount
    movers = (
        Assessment.objects.filter(run=run, creator_id__gte=first_id, creator_id__lte=last_id)
        .exclude(level=F("previous_level"))
        .order_by("creator_id")
    )
    fields = ("creator_id", "previous_level", "level", "qualified_level", "metrics", "failed")
    return assessed, [Mover(*row) for row in movers.values_list(*fields)]


@dataclass(frozen=True)
class Preview:
    """What a run would decide for one creator (``--dry-run``); ``failed``: the levels above ``level``."""

    creator_id: int
    previous_level: int
    level: int
    qualified_level: int
    failed: dict[str, list[str]] | None


def chunk_preview(
    *, first_id: int, last_id: int, at: datetime, rules: Rules, only=None, upward_only: bool, with_failed: bool
) -> list[Preview]:
    """The decisions of one chunk without writing anything, in creator order: one statement. ``with_failed``
    also reads the failing codes (``assess_levels --json``)."""
    decided, params = _decided(
        first_id=first_id, last_id=last_id, at=at, rules=rules, only=only, upward_only=upward_only
    )
    failed = _failed_json("e", rules, "e.level") if with_failed else "NULL"
    with transaction.atomic(), connection.cursor() as cursor:
        _tune()
        cursor.execute(
            f"SELECT e.creator_id, e.held, e.level, e.qualified, {failed} FROM ({decided}) e ORDER BY e.creator_id",
            params,
        )
        rows = cursor.fetchall()
    return [Preview(c, p, lv, q, None if f is None else json.loads(f)) for c, p, lv, q, f in rows]
