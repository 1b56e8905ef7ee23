"""星图学院: the rule set's ``courses_completed`` bar per level, against the courses this creator has
completed; and a course's progress, with one sentence that explains its two figures."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from academy.selectors import CourseRow
from levels import rules as level_rules
from levels.rules import Rules

SAME = 1e-9  # a completion this close to the share of lessons ticked is that share


@dataclass(frozen=True)
class CourseTarget:
    level: int
    threshold: int
    target: str  # "≥ 3"
    met: bool
    gap: int  # courses still needed; 0 when met


def course_targets(rules: Rules, completed: int) -> list[CourseTarget]:
    """Per level that asks for courses, its bar and whether ``completed`` meets it (the engine's verdict)."""
    requirements = sorted((r for r in rules.requirements if r.code == "courses_completed"), key=lambda r: r.level)
    return [
        CourseTarget(
            level=r.level,
            threshold=r.threshold,
            target=f"{level_rules.symbol(r.comparison)} {r.threshold}",
            met=r.passes(completed),
            gap=max(0, -level_rules.margin(r.comparison, r.threshold, completed)),
        )
        for r in requirements
    ]


@dataclass(frozen=True)
class CourseProgressNote:
    """A course's two figures — lessons ticked in the portal and the completion the rules count — and the
    sentence that says why they may differ. The full page and the HTMX update both show it."""

    row: CourseRow
    watched: int  # lessons this creator marked watched here

    @property
    def share(self) -> float:
        return self.watched / self.row.lessons if self.row.lessons else 0.0

    @property
    def sentence(self) -> str:
        """Completion is the platform's latest figure, never below what was ticked here when it was ticked
        (``academy.services.lesson_mark_watched``): it may run ahead (study on other devices, reported by
        the ingest) or, after a later lower report, behind."""
        figures = {"watched": self.watched, "total": self.row.lessons, "pct": self.row.percent}
        if not self.row.lessons:
            return _("完成率 %(pct)s%% 来自你在巨量星图其他端的学习记录。") % figures
        completion = self.row.completion  # stored as a float: 1/3 of the lessons is 0.333…
        if completion > self.share + SAME:
            return (
                _(
                    "已学 %(watched)s / %(total)s 课时，完成率 %(pct)s%%：完成率还计入了你在巨量星图其他端的学习记录，"
                    "所以高于这里已学的课时。"
                )
                % figures
            )
        if completion < self.share - SAME:
            return (
                _(
                    "已学 %(watched)s / %(total)s 课时，完成率 %(pct)s%%：完成率以巨量星图最新同步的学习记录为准，"
                    "下次在这里标记学完时会一并计入。"
                )
                % figures
            )
        return (
            _("已学 %(watched)s / %(total)s 课时，完成率 %(pct)s%%；你在巨量星图其他端的学习记录也会计入完成率。")
            % figures
        )
