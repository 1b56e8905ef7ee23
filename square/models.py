"""The square's listing of the day (docs/program.md §5): each creator's score, rotation and place, written
once a day by ``square.listing.listing_refresh`` so that a page reads a few indexed rows at any
population instead of scoring every creator per request."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creators.models import Creator


class SquareEntry(models.Model):
    """One creator's place on the square as evaluated at the listing's refresh (``day``: its local day).

    ``position`` is the creator's place in the whole unfiltered listing, the ad slots first (1, 2, 3),
    then by ``order_key`` (score × ROTATION_PRIME + rotation) highest first, then the lower id: a page
    walks this index; a filtered page walks it too, skipping those the filters leave out. ``level``,
    ``posts_30d`` and ``held`` (the bits of the shown benefits) are what the card shows, as scored;
    ``region``, ``industries`` and ``fans`` the profile's then, which the filters read (so that the day's
    counts, ``SquareCount``, are the counts of what the filters list)."""

    # No database-level foreign key: the whole listing is rewritten at once every day (like the index's
    # rows); deleting a creator through the ORM still deletes theirs (``on_delete``).
    creator = models.OneToOneField(
        Creator, on_delete=models.CASCADE, primary_key=True, related_name="square_entry", db_constraint=False
    )
    day = models.DateField(_("日期"))
    level = models.PositiveSmallIntegerField(_("等级"))
    posts_30d = models.PositiveIntegerField(_("近30天发布"))
    held = models.PositiveIntegerField()
    order_key = models.BigIntegerField()
    rotation = models.PositiveIntegerField()
    ad = models.BooleanField()  # holds an ad-slot benefit (``AD_SLOT_CODES``)
    position = models.PositiveIntegerField(unique=True)
    region = models.CharField(_("所在地域"), max_length=50, blank=True)
    industries = models.JSONField(_("擅长行业"), default=list, blank=True)
    fans = models.PositiveBigIntegerField(_("粉丝数"))

    class Meta:
        verbose_name = _("广场排序")
        verbose_name_plural = _("广场排序")
        indexes = [
            # The ad slots: holders by rotation, highest first.
            models.Index(fields=["-rotation"], condition=models.Q(ad=True), name="square_entry_ad_rotation"),
            # The level filter keeps the order: a level's creators in listing order.
            models.Index(fields=["level", "position"], name="square_entry_level_position"),
            # The region filter in listing order.
            models.Index(fields=["region", "position"], name="square_entry_region_position"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.day} #{self.position}"


class SquareCount(models.Model):
    """How many creators of the day's listing each combination of filters lists (written with the listing):
    a page reads its count here, one indexed row, instead of counting its matches. ``""`` (and
    ``ANY_LEVEL`` for the level) stands for a filter not applied; ``fans`` is a key of
    ``square.selectors.FANS_RANGES``."""

    ANY_LEVEL = -1

    industry = models.CharField(max_length=Creator.INDUSTRY_MAX_LENGTH, blank=True)
    region = models.CharField(max_length=Creator._meta.get_field("region").max_length, blank=True)
    level = models.SmallIntegerField()
    fans = models.CharField(max_length=10, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("广场筛选计数")
        verbose_name_plural = _("广场筛选计数")
        constraints = [
            models.UniqueConstraint(fields=["industry", "region", "level", "fans"], name="square_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.industry}/{self.region}/{self.level}/{self.fans}: {self.count}"


class BoardEntry(models.Model):
    """One row of a leaderboard as ``square.boards.boards_refresh`` ranked it (docs/program.md §5): the
    boards read the day's index rows of every creator, so they are ranked when a new index day or a new
    listing comes, not per page view. ``day`` is the day the board names (the index day of 商业影响力榜单,
    the day of the growth of 每日热榜); ``index_day`` the latest index day when it was ranked."""

    board = models.CharField(max_length=10)  # a ``square.boards.Board`` value
    rank = models.PositiveSmallIntegerField()
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    day = models.DateField()
    index_day = models.DateField()
    figure = models.FloatField()  # the composite index, or the plays growth
    priority = models.BooleanField()  # holds leaderboard_priority
    posts_30d = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("榜单")
        verbose_name_plural = _("榜单")
        constraints = [models.UniqueConstraint(fields=["board", "rank"], name="board_entry_unique_rank")]

    def __str__(self) -> str:
        return f"{self.board} #{self.rank} {self.creator_id}"
