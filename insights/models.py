"""What the platform learns about each creator beyond the level program: the daily Xingtu index (星图指数,
docs/program.md §4) and the exposure creators get from the creator square and the leaderboards. Built from
``creators``' activity; nothing here knows about levels or benefits."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creators.models import Creator


class SubIndex(models.TextChoices):
    """The five sub-indices of the Xingtu index, in the order the page draws them."""

    REACH = "reach", _("传播")
    COOPERATION = "cooperation", _("合作")
    GROWTH = "growth", _("涨粉")
    VALUE = "value", _("性价比")
    CONVERSION = "conversion", _("种草")


class IndexFigures(models.Model):
    """The raw figures the sub-indices rank (docs/program.md §4), null where the creator has no data."""

    plays_total = models.BigIntegerField(_("累计有效播放"), null=True, blank=True)
    plays_30d = models.BigIntegerField(_("近30天有效播放"), null=True, blank=True)
    interaction_rate = models.FloatField(_("互动率"), null=True, blank=True)
    completion_rate = models.FloatField(_("完播率"), null=True, blank=True)
    credit_score = models.FloatField(_("信用分"), null=True, blank=True)
    order_rating = models.FloatField(_("订单评分"), null=True, blank=True)
    fans_gain_15d = models.BigIntegerField(_("近15天涨粉"), null=True, blank=True)
    fans_trend = models.FloatField(_("涨粉趋势"), null=True, blank=True)
    cpm = models.FloatField(_("订单CPM"), null=True, blank=True)
    fan_quality = models.FloatField(_("粉丝质量"), null=True, blank=True)
    clicks_per_play = models.FloatField(_("组件点击率"), null=True, blank=True)
    conversions_per_play = models.FloatField(_("转化率"), null=True, blank=True)

    class Meta:
        abstract = True


class DailyIndex(IndexFigures):
    """One creator's Xingtu index on one local day: each sub-index is the creator's percentile rank 0–100
    among the creators with data for it that day (null: no data), and ``composite`` their weighted sum
    (``settings.XINGTU_INDEX_WEIGHTS``). The raw figures (``IndexFigures``) are kept so that a tip can
    name the weak figure and the daily plays growth can be read (每日热榜). A day's rows are written
    together, ranked, when its run finishes (``insights.services``)."""

    # No database-level foreign key: a day's 100,000 rows are rewritten at once every day, and checking each
    # against the creators at commit cost 0.2–0.5 s of a 5 s run. The rows are derived (the next run
    # rebuilds them), and deleting a creator through the ORM still deletes theirs (``on_delete``).
    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, related_name="daily_index", db_index=False, db_constraint=False
    )
    date = models.DateField(_("日期"))
    composite = models.FloatField(_("综合指数"), null=True, blank=True)
    reach = models.FloatField(SubIndex.REACH.label, null=True, blank=True)
    cooperation = models.FloatField(SubIndex.COOPERATION.label, null=True, blank=True)
    growth = models.FloatField(SubIndex.GROWTH.label, null=True, blank=True)
    value = models.FloatField(SubIndex.VALUE.label, null=True, blank=True)
    conversion = models.FloatField(SubIndex.CONVERSION.label, null=True, blank=True)

    class Meta:
        verbose_name = _("星图指数")
        verbose_name_plural = _("星图指数")
        constraints = [models.UniqueConstraint(fields=["creator", "date"], name="daily_index_unique_day")]
        indexes = [models.Index(fields=["date", "composite"], name="daily_index_date_composite")]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.date} {self.composite}"


class IndexStage(IndexFigures):
    """A creator's raw figures measured by one computation of a day (``batch``: the job run's id), kept
    until the computation's last step ranks the whole day into ``DailyIndex`` and deletes them. Written
    in bulk by every chunk, so it has no foreign key and one index."""

    batch = models.BigIntegerField()
    date = models.DateField()
    creator_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["batch", "creator_id"], name="index_stage_batch_creator")]

    def __str__(self) -> str:
        return f"{self.batch} {self.creator_id} {self.date}"


class Surface(models.TextChoices):
    """Where a creator's card was shown to clients."""

    SQUARE = "square", _("达人广场")
    SQUARE_SLOT = "square_slot", _("达人广场广告位")
    BUSINESS_BOARD = "business_board", _("商业影响力榜单")
    DAILY_BOARD = "daily_board", _("每日热榜")


class Impression(models.Model):
    """How many times a creator's card was shown on one surface on one local day (the exposure effect the
    business assistant reports)."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="impressions", db_index=False)
    date = models.DateField(_("日期"))
    surface = models.CharField(_("位置"), max_length=20, choices=Surface.choices)
    count = models.PositiveBigIntegerField(_("曝光次数"), default=0)

    class Meta:
        verbose_name = _("曝光")
        verbose_name_plural = _("曝光")
        constraints = [
            models.UniqueConstraint(fields=["creator", "date", "surface"], name="impression_unique_day_surface")
        ]
        # The retention run finds the days it deletes by it (``levels.retention``).
        indexes = [models.Index(fields=["date"], name="impression_date")]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.date} {self.surface} ×{self.count}"
