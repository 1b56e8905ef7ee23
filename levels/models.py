"""The program engine's data: the rule set, the levels creators hold, their history, and the job runs
whose per-creator results explain every level (docs/program.md §1–§2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from creators.models import Creator


class RuleSet(models.Model):
    """A version of the complete level and reward requirements. The version in force for month M is the
    one with the greatest ``effective_month`` ≤ M; a version without one is a draft, never in force
    (``levels.versions``: past and assessed versions are read-only, changes become a new version)."""

    name = models.CharField(_("名称"), max_length=100)
    effective_month = models.CharField(
        _("生效月份"), max_length=7, unique=True, null=True, blank=True, help_text=_("YYYY-MM；空 = 草稿，从不生效")
    )
    window_days = models.PositiveSmallIntegerField(_("考核窗口（天）"), help_text=_("窗口为 [at − N 天，at)"))
    tasks_min_fans = models.PositiveIntegerField(
        _("开通任务的最低粉丝数"), help_text=_("tasks_enabled：粉丝数 ≥ 此值且已开通投稿任务")
    )
    large_creator_fans = models.PositiveIntegerField(
        _("大达人粉丝线"), help_text=_("粉丝数 ≥ 此值时还须开通传播任务、设置报价、查看经营助手")
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("等级规则集")
        verbose_name_plural = _("等级规则集")
        ordering = ["effective_month"]

    def __str__(self) -> str:
        return self.name


class RequirementCode(models.TextChoices):
    """The metrics the evaluator can measure (docs/program.md §1)."""

    PROFILE_COMPLETE = "profile_complete", _("完善达人介绍、所在地域、擅长行业")
    TASK_HALL_VIEWED = "task_hall_viewed", _("浏览任务大厅")
    TASKS_ENABLED = "tasks_enabled", _("开通任务")
    QUOTE_SET = "quote_set", _("设置报价")
    ASSISTANT_VIEWED = "assistant_viewed", _("查看经营助手")
    DOUYIN_BOUND = "douyin_bound", _("绑定抖音")
    COURSES_COMPLETED = "courses_completed", _("完成学院课程")
    POSTS_30D = "posts_30d", _("近30天发布视频或直播")
    AVG_PLAYS_30D = "avg_plays_30d", _("平均有效播放量")
    SUBMISSIONS_30D = "submissions_30d", _("参加投稿任务")
    ORDERS_30D = "orders_30d", _("订单")
    FANS = "fans", _("粉丝量")
    LIKES_30D = "likes_30d", _("点赞量")
    CREDIT_SCORE = "credit_score", _("信用分")


class Comparison(models.TextChoices):
    REQUIRED = "required", _("必须满足")
    GTE = "gte", "≥"
    GT = "gt", ">"


class LevelRequirement(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="requirements")
    level = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40, choices=RequirementCode.choices)
    comparison = models.CharField(max_length=10, choices=Comparison.choices)
    threshold = models.BigIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("等级基础任务")
        verbose_name_plural = _("等级基础任务")
        ordering = ["rule_set", "level", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "level", "code"], name="requirement_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="requirement_level_1_4"),
            models.CheckConstraint(
                condition=Q(comparison="required", threshold__isnull=True)
                | (~Q(comparison="required") & Q(threshold__isnull=False)),
                name="requirement_threshold_matches_comparison",
            ),
        ]

    def __str__(self) -> str:
        if self.comparison == Comparison.REQUIRED:
            return f"LV{self.level} {self.code}"
        return f"LV{self.level} {self.code} {self.get_comparison_display()} {self.threshold}"


class RewardRequirement(models.Model):
    """A level's 3-month reward task: orders in the cycle AND (video avg OR live avg) plays."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="reward_requirements")
    level = models.PositiveSmallIntegerField()
    min_orders = models.PositiveIntegerField(_("周期内订单 ≥"))
    min_avg_plays = models.PositiveBigIntegerField(_("短视频或直播平均有效播放 >"))

    class Meta:
        verbose_name = _("奖励任务")
        verbose_name_plural = _("奖励任务")
        ordering = ["rule_set", "level"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "level"], name="reward_requirement_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="reward_level_1_4"),
        ]


class CreatorLevel(models.Model):
    """The level a creator holds now (no row = level 0)."""

    creator = models.OneToOneField(Creator, on_delete=models.CASCADE, primary_key=True, related_name="level_held")
    level = models.PositiveSmallIntegerField(default=0)
    since = models.DateTimeField()

    class Meta:
        verbose_name = _("达人等级")
        verbose_name_plural = _("达人等级")
        indexes = [models.Index(fields=["level"], name="creator_level_level")]
        constraints = [models.CheckConstraint(condition=Q(level__lte=4), name="creator_level_0_4")]


class JobRun(models.Model):
    """One run of a scheduled job. ``key`` identifies the run (a period, a cycle, or the instant ``at``
    of an assessment); (job, key) is unique, so a second trigger of the same run finds the row and does
    nothing. ``period`` is the natural period the run belongs to, which the reconciler checks."""

    class Job(models.TextChoices):
        ASSESS_MONTHLY = "assess_monthly", _("月度等级评估")
        ASSESS_UPGRADE = "assess_upgrade", _("每日升级检查")
        ASSESS_REWARDS = "assess_rewards", _("奖励任务评估")
        CLOSE_PERIOD = "close_period", _("权益期结算")
        EXPIRE_CARDS = "expire_cards", _("保底卡过期")
        WARN_AT_RISK = "warn_at_risk", _("保级提醒")
        SETTLE_ENTRIES = "settle_entries", _("保底任务结算")
        COMPUTE_INDEX = "compute_index", _("星图指数")

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    job = models.CharField(max_length=20, choices=Job.choices)
    period = models.CharField(max_length=20, help_text=_("自然周期：2026-12, 2026Q4 或 2026-12-05"))
    key = models.CharField(max_length=40, help_text=_("去重键：同一（job, key）只运行一次"))
    at = models.DateTimeField()
    rule_set = models.ForeignKey(RuleSet, null=True, blank=True, on_delete=models.PROTECT)
    rules_snapshot = models.JSONField(default=dict, blank=True)
    creator_ids = models.JSONField(null=True, blank=True, help_text=_("仅评估这些达人（空 = 全部）"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, help_text=_("失败时：哪个分片、最后一次的错误"))
    started_by = models.CharField(
        max_length=60, blank=True, help_text=_("beat、reconciler、command 或 console：用户名")
    )
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when sending the run's tasks to the broker failed (``levels.dispatch``): the run is running but
    # nothing is queued until the broker answers again and the run is sent anew.
    awaiting_broker_since = models.DateTimeField(
        null=True, blank=True, help_text=_("任务队列不可用、运行等待发送的起始时间")
    )

    class Meta:
        verbose_name = _("任务运行")
        verbose_name_plural = _("任务运行")
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="job_run_unique_key")]
        indexes = [
            models.Index(fields=["job", "period"], name="job_run_period"),
            models.Index(fields=["status", "heartbeat_at"], name="job_run_status"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period} ({self.status})"


class JobChunk(models.Model):
    """A slice of a run's creators by primary-key range; done chunks are skipped on re-run."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    # Found by run through the two indexes below (no index of its own); the run list counts a page's runs'
    # chunks, done or not, from the second alone.
    run = models.ForeignKey(JobRun, on_delete=models.CASCADE, related_name="chunks", db_index=False)
    index = models.PositiveIntegerField()
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("任务分片")
        verbose_name_plural = _("任务分片")
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="job_chunk_unique_index")]
        indexes = [models.Index(fields=["run", "status"], name="job_chunk_run_status")]


class Assessment(models.Model):
    """One creator's result in one run: every measured value, and the requirement codes that failed
    per level, so a level (or a reward) can always be explained later with the run's rule snapshot."""

    # The most written table (a row per creator and run, every day): no database-level foreign keys — their
    # checks at commit cost more than a second per 100,000 rows — and no single-column indexes, which the two
    # composite ones below already serve. A run writes its rows in the transaction that holds its chunk and
    # reads the creators it writes for; deleting a run or a creator through the ORM still deletes them.
    run = models.ForeignKey(
        JobRun, on_delete=models.CASCADE, related_name="assessments", db_index=False, db_constraint=False
    )
    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, related_name="assessments", db_index=False, db_constraint=False
    )
    previous_level = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    qualified_level = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    metrics = models.JSONField(default=dict)
    failed = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("评估结果")
        verbose_name_plural = _("评估结果")
        constraints = [models.UniqueConstraint(fields=["run", "creator"], name="assessment_unique_creator")]
        indexes = [models.Index(fields=["creator", "run"], name="assessment_creator_run")]


class LevelChange(models.Model):
    class Reason(models.TextChoices):
        MONTHLY = "monthly", _("月度评估")
        UPGRADE = "upgrade", _("升级检查")
        OVERRIDE = "override", _("运营手动调整")

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="level_changes")
    run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    failed = models.JSONField(default=list, blank=True, help_text=_("降级时未达成的要求"))

    class Meta:
        verbose_name = _("等级变更")
        verbose_name_plural = _("等级变更")
        ordering = ["-at", "-id"]
        constraints = [
            # A run changes a creator's level at most once.
            models.UniqueConstraint(fields=["creator", "run"], name="level_change_once_per_run"),
        ]
        indexes = [models.Index(fields=["creator", "-at"], name="level_change_creator_at")]


class LevelOverride(models.Model):
    """An operator's manual level for one creator, with a reason, until a month (docs/program.md §3
    "Manual level override"). While it lasts, runs record what the rules said but do not move the
    creator. At most one open override per creator; ending one (early, or when it runs out) keeps the row."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="level_overrides")
    level = models.PositiveSmallIntegerField(_("等级"))
    previous_level = models.PositiveSmallIntegerField(_("原等级"))
    reason = models.CharField(_("原因"), max_length=300)
    until = models.CharField(_("截至月份"), max_length=7, help_text=_("YYYY-MM"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.CharField(_("结束原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("手动等级")
        verbose_name_plural = _("手动等级")
        constraints = [
            models.UniqueConstraint(fields=["creator"], condition=Q(ended_at__isnull=True), name="one_open_override"),
            models.CheckConstraint(condition=Q(level__lte=4), name="override_level_0_4"),
        ]


class Simulation(models.Model):
    """A what-if run (``levels.whatif``): ``base``'s rules with ``changes`` (``levels.versions.Changes``
    as JSON lists) applied, evaluated at ``at`` for every creator (or ``sample``) next to the base rules.
    Writes nothing but this row: ``result`` holds the counters, ``done``/``total`` the progress."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    base = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(help_text=_('{"thresholds": [[等级，代码，门槛]], "rewards": [[等级，字段，值]]}'))
    at = models.DateTimeField()
    sample = models.JSONField(null=True, blank=True, help_text=_("仅模拟这些达人（空 = 全部）"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("规则模拟")
        verbose_name_plural = _("规则模拟")

    def __str__(self) -> str:
        return f"simulation {self.pk} ({self.status})"
