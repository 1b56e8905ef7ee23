"""The benefits ledger: the catalogue (what each level gives) and what each creator was granted.

This app knows levels only as numbers; `levels` decides who holds which level and calls the services
here to grant, top up and lapse (docs/program.md §3).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from creators.models import Creator, SubmissionEntry, SubmissionTask
from lib.format import money
from lib.i18n import Localized


class Delivery(models.TextChoices):
    AUTO = "auto", _("系统自动派发")
    OPERATOR = "operator", _("运营交付")
    ISSUED = "issued", _("系统发放")
    CLAIM = "claim", _("达人领取")


class Cadence(models.TextChoices):
    PERIOD = "period", _("每月")
    LEVEL = "level", _("等级期间有效")
    ONCE = "once", _("每位达人一次")
    CYCLE = "cycle", _("每个奖励周期")


class BenefitKind(models.TextChoices):
    BASIC = "basic", _("基础权益")
    REWARD = "reward", _("奖励权益")


class BenefitCode:
    """Catalogue codes that code acts on by name (the seeded catalogue rows carry the same codes)."""

    EXTRA_DISPATCH = "extra_dispatch"
    FEATURED_CASE = "featured_case"
    CLIENT_RECOMMENDATION = "client_recommendation"
    GUARANTEE_CARD = "guarantee_card"
    # Level benefits that put the creator in front of clients: what the creator square and the leaderboards
    # show (docs/program.md §5).
    IDENTITY_TAG = "identity_tag"
    SQUARE_DIAMOND_FIXED = "square_diamond_fixed"
    SQUARE_AD_SLOT = "square_ad_slot"
    SQUARE_AD_SLOT_FIXED = "square_ad_slot_fixed"
    DIAMOND_SLOT = "diamond_slot"
    LEADERBOARD_PRIORITY = "leaderboard_priority"
    # Those that raise a creator's place in the creator square while held, and those whose holders take
    # turns in its ad slots (docs/program.md §5).
    SQUARE_SCORE = (SQUARE_DIAMOND_FIXED, SQUARE_AD_SLOT, SQUARE_AD_SLOT_FIXED, DIAMOND_SLOT)
    AD_SLOT = (SQUARE_DIAMOND_FIXED, SQUARE_AD_SLOT, SQUARE_AD_SLOT_FIXED)
    # ... in the order the business assistant lists them (FAQ Q8: "具体的曝光效果可以在经营助手看到").
    EXPOSURE = (
        IDENTITY_TAG,
        SQUARE_DIAMOND_FIXED,
        SQUARE_AD_SLOT,
        SQUARE_AD_SLOT_FIXED,
        DIAMOND_SLOT,
        LEADERBOARD_PRIORITY,
    )


class Benefit(models.Model):
    """One benefit of the catalogue (docs/program.md §3), independent of level. Its name and description are
    kept in Chinese and, for English readers, in English (``display_name``, ``display_description``)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(
        _("英文名称"), max_length=100, blank=True, help_text=_("英文界面显示；留空则显示中文名称")
    )
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("英文说明"), blank=True, help_text=_("英文界面显示；留空则显示中文说明"))
    delivery = models.CharField(_("交付方式"), max_length=10, choices=Delivery.choices)
    unit_amount = models.DecimalField(_("单张金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    valid_days = models.PositiveIntegerField(_("有效天数"), null=True, blank=True)
    dou_plus_per_missing = models.PositiveIntegerField(_("每次未派发补偿DOU+"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("权益")
        verbose_name_plural = _("权益目录")
        ordering = ["position", "id"]

    display_name = Localized("name", "name_en")
    display_description = Localized("description", "description_en")

    def __str__(self) -> str:
        return self.display_name


class LevelBenefit(models.Model):
    """What a level gives: benefit, basic or reward, cadence and quantity."""

    level = models.PositiveSmallIntegerField(_("等级"))
    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="level_rows")
    kind = models.CharField(max_length=10, choices=BenefitKind.choices)
    cadence = models.CharField(_("周期"), max_length=10, choices=Cadence.choices)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    value_note = models.CharField(_("价值说明"), max_length=100, blank=True)
    value_note_en = models.CharField(_("英文价值说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("等级权益")
        verbose_name_plural = _("等级权益")
        ordering = ["level", "kind", "benefit__position"]
        constraints = [
            models.UniqueConstraint(fields=["level", "benefit", "kind"], name="level_benefit_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="level_benefit_level_1_4"),
            models.CheckConstraint(
                condition=(Q(kind="reward", cadence="cycle") | (Q(kind="basic") & ~Q(cadence="cycle"))),
                name="level_benefit_kind_cadence",
            ),
        ]

    def __str__(self) -> str:
        return f"LV{self.level} {self.benefit} ×{self.quantity}"

    display_value_note = Localized("value_note", "value_note_en")


class LevelPackage(models.Model):
    """The advertised value of a level's benefits (LV1 ¥5,000 … LV4 ¥13万)."""

    level = models.PositiveSmallIntegerField(primary_key=True)
    value_yuan = models.PositiveIntegerField(_("权益价值（元）"))

    class Meta:
        verbose_name = _("等级权益价值")
        verbose_name_plural = _("等级权益价值")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"LV{self.level} {money(self.value_yuan)}"


class EntitlementStatus(models.TextChoices):
    AVAILABLE = "available", _("可领取")
    CLAIMED = "claimed", _("已领取")
    PENDING = "pending", _("待交付")
    DELIVERED = "delivered", _("已发放")
    LAPSED = "lapsed", _("已失效")


class Entitlement(models.Model):
    """A benefit granted to a creator for one period, cycle, or (``period == ""``) the level/once.

    The unique (creator, benefit, period) constraint is what makes every grant job idempotent.
    """

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="entitlements")
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="entitlements")
    kind = models.CharField(max_length=10, choices=BenefitKind.choices)
    level = models.PositiveSmallIntegerField(_("授予时等级"))
    period = models.CharField(_("周期"), max_length=7, blank=True, help_text=_("YYYY-MM, YYYYQn，或空（等级/一次性）"))
    quantity = models.PositiveIntegerField(default=1)
    delivered = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=EntitlementStatus.choices)
    overdue = models.BooleanField(_("逾期未交付"), default=False)
    granted_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("达人权益")
        verbose_name_plural = _("达人权益")
        constraints = [
            models.UniqueConstraint(fields=["creator", "benefit", "period"], name="entitlement_unique_period"),
            models.CheckConstraint(condition=Q(delivered__lte=models.F("quantity")), name="entitlement_not_over"),
        ]
        indexes = [
            models.Index(fields=["creator", "status"], name="entitlement_creator_status"),
            models.Index(fields=["benefit", "period", "status"], name="entitlement_benefit_period"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id}:{self.benefit_id}:{self.period or '-'}"


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("可使用")
    USED = "used", _("已使用")
    SETTLED = "settled", _("已结算")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤销")


class CardIssue(models.Model):
    """One manual issuance by an operator (docs/program.md §3 "Manual cards"): outside the level and
    reward grants, for a reason, to one or many creators, ``per_creator`` cards each."""

    reason = models.CharField(_("原因"), max_length=300)
    per_creator = models.PositiveSmallIntegerField(_("每人张数"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("发放时间"))

    class Meta:
        verbose_name = _("手动发卡")
        verbose_name_plural = _("手动发卡")


class GuaranteeCard(models.Model):
    """投稿任务收益保底卡: its amount and validity are copied from the catalogue's guarantee-card benefit
    when it is issued (docs/program.md §3)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="guarantee_cards")
    # A card comes from a level or reward grant (``entitlement``) or from an operator (``issue``).
    entitlement = models.ForeignKey(Entitlement, null=True, blank=True, on_delete=models.PROTECT, related_name="cards")
    issue = models.ForeignKey(CardIssue, null=True, blank=True, on_delete=models.PROTECT, related_name="cards")
    serial = models.PositiveSmallIntegerField(help_text=_("该权益（或该次手动发放中该达人）的第几张"))
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    entry = models.OneToOneField(
        SubmissionEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="guarantee_card"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("保底卡")
        verbose_name_plural = _("保底卡")
        constraints = [
            # One card per (entitlement, serial): re-issuing a period never mints extra cards.
            models.UniqueConstraint(fields=["entitlement", "serial"], name="card_unique_serial"),
            models.UniqueConstraint(fields=["issue", "creator", "serial"], name="card_unique_manual_serial"),
            models.CheckConstraint(
                condition=Q(entitlement__isnull=False, issue__isnull=True)
                | Q(entitlement__isnull=True, issue__isnull=False),
                name="card_one_source",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="card_status_expires"),
            models.Index(fields=["creator", "status"], name="card_creator_status"),
        ]

    @classmethod
    def mint(cls, *, creator_id: int, serial: int, amount, valid_days: int, at, **source) -> "GuaranteeCard":
        """A new active card issued at ``at``, valid for ``valid_days`` (``expires_at`` to the second,
        docs/program.md §3); ``source`` is its ``entitlement_id`` or its ``issue``."""
        return cls(
            creator_id=creator_id,
            serial=serial,
            amount=amount,
            issued_at=at,
            expires_at=cls.expiry(at, valid_days),
            **source,
        )

    @staticmethod
    def expiry(at, valid_days: int):
        """When a card issued at ``at`` for ``valid_days`` expires: to the second (docs/program.md §3)."""
        return at + timedelta(days=valid_days)


class RecommendationChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    MEETING = "meeting", _("面谈")
    EMAIL = "email", _("邮件")
    OTHER = "other", _("其他")


class ClientRecommendation(models.Model):
    """An operator's 1对1 recommendation of the creator to a client, fulfilling one owed unit."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="recommendations")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="recommendations")
    client_name = models.CharField(_("客户"), max_length=100)
    recommended_on = models.DateField(_("推荐日期"))
    channel = models.CharField(_("渠道"), max_length=10, choices=RecommendationChannel.choices, blank=True)
    note = models.TextField(_("备注"), blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("客户推荐记录")
        verbose_name_plural = _("客户推荐记录")


class ExtraDispatch(models.Model):
    """A quality submission task sent to the creator outside the client's selection (增派)."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="dispatches")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="extra_dispatches")
    task = models.ForeignKey(SubmissionTask, on_delete=models.PROTECT, related_name="extra_dispatches")
    dispatched_at = models.DateTimeField()
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("额外派发")
        verbose_name_plural = _("额外派发")
        constraints = [models.UniqueConstraint(fields=["entitlement", "task"], name="dispatch_unique_task")]


class DouPlusCredit(models.Model):
    """DOU+ credited at period close for extra dispatches that were not made (20 each, FAQ Q15)."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="dou_plus_credits")
    entitlement = models.OneToOneField(Entitlement, on_delete=models.PROTECT, related_name="dou_plus_credit")
    missing = models.PositiveIntegerField()
    amount = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("DOU+补偿")
        verbose_name_plural = _("DOU+补偿")


class CaseStatus(models.TextChoices):
    PENDING = "pending", _("审核中")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


# A featured case links to the work on the web: http(s) only (no ftp://, javascript:, or a bare address).
CASE_LINK_SCHEMES = ("http", "https")
CASE_LINK_SCHEME_ERROR = _("作品链接要以 http:// 或 https:// 开头。")
CASE_LINK_HELP = _("抖音作品或直播回放的链接，以 http:// 或 https:// 开头")


def validate_case_link(value: str) -> None:
    """A featured case's link: its scheme is one of ``CASE_LINK_SCHEMES`` (said in the words of the
    form's help text), and the rest is a web address."""
    scheme, sep, _rest = value.partition("://")
    if not sep or scheme.lower() not in CASE_LINK_SCHEMES:
        raise ValidationError(CASE_LINK_SCHEME_ERROR, code="scheme")
    URLValidator(schemes=CASE_LINK_SCHEMES, message=_("这不是一个有效的链接，请从抖音复制作品的分享链接后粘贴。"))(
        value
    )


class FeaturedCase(models.Model):
    """A case submitted under 学院精选案例优先上线权; approved ones appear in the 精选案例 gallery."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="featured_cases")
    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("案例标题"), max_length=100)
    link = models.URLField(_("作品链接"), max_length=500, validators=[validate_case_link])
    recommendation = models.TextField(_("案例推荐内容"), max_length=2000)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.PENDING)
    submitted_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("精选案例")
        verbose_name_plural = _("精选案例")
        constraints = [
            # FAQ Q10: each creator may have one case online.
            models.UniqueConstraint(
                fields=["creator"], condition=Q(status="approved"), name="case_one_approved_per_creator"
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="case_status_submitted")]
