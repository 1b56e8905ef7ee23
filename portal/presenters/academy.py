"""星图学院: the rule set's ``courses_completed`` bar per level, against the courses this creator has
completed."""

from dataclasses import dataclass

from levels import rules as level_rules
from levels.rules import Rules


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
