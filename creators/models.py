"""The ground floor: creators and everything they do (content, orders, fans, credit, portal events, submission
tasks), and what every app leans on (messages, audit log, ingest tokens). Nothing here knows about levels."""

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.i18n import Localized

from .managers import InProgramManager
from .messages import TEXTS, MessageKind, with_names
from .messages import url as message_url


class Creator(models.Model):
    """A Douyin creator as the data platform describes them (ingest type ``creator``). The lengths of the
    profile's text (``max_length``, the industry limits below) are the one home of what the form and ingest take."""

    INDUSTRY_MAX_LENGTH = 20  # characters of one industry name
    INDUSTRIES_MAX = 20  # industries one creator may name

    external_id = models.CharField(_("平台ID"), max_length=64, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="creator",
    )
    nickname = models.CharField(_("昵称"), max_length=100)
    fans = models.PositiveBigIntegerField(_("粉丝数"), default=0)
    credit_score = models.PositiveSmallIntegerField(_("信用分"), default=0)
    douyin_bound = models.BooleanField(_("已绑定抖音"), default=False)
    intro = models.TextField(_("达人介绍"), max_length=500, blank=True)
    region = models.CharField(_("所在地域"), max_length=50, blank=True)
    industries = models.JSONField(_("擅长行业"), default=list, blank=True)
    submission_enabled = models.BooleanField(_("已开通投稿任务"), default=False)
    spread_enabled = models.BooleanField(_("已开通传播任务"), default=False)
    joined_at = models.DateTimeField(_("入驻时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Erased on request (docs/privacy.md): the row stays, pseudonymised; ``erased_key`` recognises the id again.
    erased_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    erased_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    objects = InProgramManager()
    everyone = models.Manager()  # noqa: DJ012 (a manager, which ruff takes for a field)

    class Meta:
        verbose_name = _("达人")
        verbose_name_plural = _("达人")
        constraints = [models.CheckConstraint(condition=Q(credit_score__lte=100), name="creator_credit_0_100")]
        indexes = [models.Index(fields=["region"], name="creator_region")]  # the console's filter and its choices

    def __str__(self) -> str:
        return f"{self.nickname} ({self.external_id})"

    @property
    def task_types(self) -> list[str]:
        return [name for name, on in (("submission", self.submission_enabled), ("spread", self.spread_enabled)) if on]


class Quote(models.Model):
    """A price the creator asks for one kind of work, in yuan (ingest ``quotes``: kind → yuan)."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="quotes", db_index=False)
    kind = models.CharField(_("报价类型"), max_length=50)
    amount = models.DecimalField(_("报价（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("报价")
        verbose_name_plural = _("报价")
        constraints = [
            models.UniqueConstraint(fields=["creator", "kind"], name="quote_unique_kind"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="quote_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: ¥{self.amount}"


class ContentKind(models.TextChoices):
    VIDEO = "video", _("短视频")
    LIVE = "live", _("直播")


class Content(models.Model):
    """A published video or live session with its latest counters."""

    external_id = models.CharField(max_length=64, unique=True)
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="contents", db_index=False)
    kind = models.CharField(max_length=10, choices=ContentKind.choices)
    published_at = models.DateTimeField(_("发布时间"))
    effective_plays = models.PositiveBigIntegerField(_("有效播放量"), default=0)
    likes = models.PositiveBigIntegerField(_("点赞"), default=0)
    comments = models.PositiveBigIntegerField(_("评论"), default=0)
    shares = models.PositiveBigIntegerField(_("分享"), default=0)
    completion_rate = models.FloatField(_("完播率"), null=True, blank=True)
    component_clicks = models.PositiveBigIntegerField(_("组件点击"), default=0)
    conversions = models.PositiveBigIntegerField(_("转化"), default=0)
    title = models.CharField(_("标题"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("作品")
        verbose_name_plural = _("作品")
        indexes = [models.Index(fields=["creator", "published_at"], name="content_creator_published")]
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_rate__isnull=True) | Q(completion_rate__gte=0, completion_rate__lte=1),
                name="content_completion_rate_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.external_id


class FansDaily(models.Model):
    """The follower count on one day (ingest ``fans``)."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="fans_daily", db_index=False)
    date = models.DateField()
    fans = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("每日粉丝数")
        verbose_name_plural = _("每日粉丝数")
        constraints = [models.UniqueConstraint(fields=["creator", "date"], name="fans_daily_unique_day")]


class CreditDaily(models.Model):
    """The credit score from that day on (ingest ``credit``)."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="credit_daily", db_index=False)
    date = models.DateField()
    score = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("每日信用分")
        verbose_name_plural = _("每日信用分")
        constraints = [
            models.UniqueConstraint(fields=["creator", "date"], name="credit_daily_unique_day"),
            models.CheckConstraint(condition=Q(score__lte=100), name="credit_daily_0_100"),
        ]


class OrderKind(models.TextChoices):
    STANDARD = "standard", _("标准订单")
    MASS = "mass", _("全民任务")
    MINIGAME = "minigame", _("小游戏任务")


class OrderStatus(models.TextChoices):
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    IN_PROGRESS = "in_progress", _("进行中")


class Order(models.Model):
    # Orders that count for the program: completed, and neither 全民任务 nor 小游戏任务 (docs/program.md §1–§2).
    COUNTED = Q(status=OrderStatus.COMPLETED) & ~Q(kind__in=[OrderKind.MASS, OrderKind.MINIGAME])

    external_id = models.CharField(max_length=64, unique=True)
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="orders", db_index=False)
    kind = models.CharField(max_length=10, choices=OrderKind.choices)
    status = models.CharField(max_length=12, choices=OrderStatus.choices)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    plays = models.PositiveBigIntegerField(null=True, blank=True)
    rating = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        indexes = [models.Index(fields=["creator", "completed_at"], name="order_creator_completed")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="order_completed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="order_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return self.external_id


class PortalEvent(models.Model):
    """Something the creator did in the portal that the rules count (e.g. opened the task hall)."""

    class Name(models.TextChoices):
        TASK_HALL_VIEWED = "task_hall_viewed", _("浏览任务大厅")
        ASSISTANT_VIEWED = "assistant_viewed", _("查看经营助手")

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="events", db_index=False)
    name = models.CharField(max_length=40, choices=Name.choices)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("门户事件")
        verbose_name_plural = _("门户事件")
        constraints = [models.UniqueConstraint(fields=["creator", "name", "at"], name="event_unique")]


class SubmissionTask(models.Model):
    """An open-call task (投稿任务) creators join from the task hall; English title and description optional."""

    code = models.CharField(max_length=64, unique=True)
    title = models.CharField(_("任务名称"), max_length=200, blank=True)
    title_en = models.CharField(_("英文任务名称"), max_length=200, blank=True)
    brand = models.CharField(_("品牌"), max_length=100, blank=True)
    description = models.TextField(blank=True)
    description_en = models.TextField(_("英文任务说明"), blank=True)
    # The kind of work the task asks for; blank: any kind (docs/program.md §3, submission entries).
    content_kind = models.CharField(
        _("作品类型"), max_length=10, choices=ContentKind.choices, blank=True, default="",
        help_text=_("只接受这一类作品；留空则短视频和直播都可以。"),
    )  # fmt: skip
    is_guarantee = models.BooleanField(_("保底任务"), default=False)
    guarantee_threshold = models.PositiveBigIntegerField(
        _("保底播放量要求"), null=True, blank=True, help_text=_("保底任务：有效播放量达到此值可获保底收益")
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("投稿任务")
        verbose_name_plural = _("投稿任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_guarantee=False) | Q(guarantee_threshold__isnull=False),
                name="task_guarantee_has_threshold",
            ),
        ]

    display_title = Localized("title", "title_en", fallback="code")
    display_description = Localized("description", "description_en")

    def __str__(self) -> str:
        return self.display_title

    @property
    def entries_from(self) -> datetime:
        """The earliest publish time of content that may enter (docs/program.md §3): ``opens_at``, or, for
        a task with no opening date, the moment the task was created — work made before a task existed
        was not made for it."""
        return self.opens_at or self.created_at


class SubmissionEntry(models.Model):
    """A creator's entry in a submission task (ingest ``submission`` or joined in the task hall)."""

    external_id = models.CharField(max_length=64, unique=True)
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="submissions", db_index=False)
    task = models.ForeignKey(SubmissionTask, on_delete=models.PROTECT, related_name="entries")
    submitted_at = models.DateTimeField()
    content = models.ForeignKey(Content, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    content_ref = models.CharField(max_length=64, blank=True, help_text=_("平台作品ID （作品尚未同步时也保留）"))
    effective_plays = models.PositiveBigIntegerField(null=True, blank=True)
    earnings = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    payout = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("投稿记录")
        verbose_name_plural = _("投稿记录")
        indexes = [models.Index(fields=["creator", "submitted_at"], name="entry_creator_submitted")]


class AssistantMessage(models.Model):
    """A message from 星图小助手 in the creator's inbox. ``dedupe_key`` makes re-sent jobs silent. A program
    message names its text (``template``, a key of ``creators.messages.TEXTS``), its ``params`` and a link
    by URL name, so it reads in the reader's language (``display_title``, ``display_body``, ``url``).
    Free-text rows (no ``template``) show their stored ``title``, ``body`` and ``link``."""

    Kind = MessageKind

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    template = models.CharField(max_length=40, blank=True)
    params = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=200, blank=True)
    url_name = models.CharField(max_length=40, blank=True)
    url_args = models.JSONField(default=list, blank=True)
    url_anchor = models.CharField(max_length=40, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(db_index=True)  # by which ``levels.retention`` finds what it deletes
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("小助手消息")
        verbose_name_plural = _("小助手消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["creator", "-created_at"], name="message_creator_created"),
            models.Index(fields=["creator"], condition=Q(read_at__isnull=True), name="message_creator_unread"),
        ]

    def __str__(self) -> str:
        return self.display_title

    def _rendered(self) -> tuple[str, str]:
        """(title, body) in the active language; ``tasks`` (code → task) is set by ``messages_named``."""
        text = TEXTS.get(self.template)
        if text is None or self.params is None:
            return self.title, self.body
        return text.render(with_names(self.params, getattr(self, "tasks", {})))

    @property
    def display_title(self) -> str:
        return self._rendered()[0]

    @property
    def display_body(self) -> str:
        return self._rendered()[1]

    @property
    def url(self) -> str:
        if self.url_name:
            return message_url(self.url_name, self.url_args, self.url_anchor)
        return self.link


class AuditLog(models.Model):
    """Who did what to which object, for every operator action and every admin change to program data.
    Append-only: written by ``creators.services.audit_action``/``audit_record``, never edited or deleted."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    creator = models.ForeignKey(Creator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    # The submitted form's id: a second post of the same form finds it taken and acts no more.
    request_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["creator", "-at"], name="audit_creator_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class IngestTokenQuerySet(models.QuerySet):
    def matching(self, raw: str) -> "IngestTokenQuerySet":
        return self.filter(token_hash=_hash_token(raw), revoked_at__isnull=True)


class IngestToken(models.Model):
    """A bearer token for ``POST /api/v1/ingest``. Only its SHA-256 is stored; the raw token is shown once."""

    name = models.CharField(_("名称"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = IngestTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接入令牌")
        verbose_name_plural = _("接入令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def set_new_token(self) -> str:
        """Give this token a fresh secret; returns the raw value (the only time it exists)."""
        raw = "xt_" + secrets.token_urlsafe(32)
        self.token_hash = _hash_token(raw)
        self.prefix = raw[:8]
        return raw
