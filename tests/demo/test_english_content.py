"""The demo's content in both languages: every course, lesson and task has its English text, and every
industry a demo creator gets is one of the vocabulary's (so it reads in English too)."""

from creators.vocabulary import INDUSTRIES
from demo.catalogue import COURSES, TASKS
from demo.english import COURSES_EN, TASKS_EN
from demo.names import INDUSTRIES as DEMO_INDUSTRIES


def test_every_course_and_lesson_has_english() -> None:
    assert set(COURSES_EN) == {code for code, *_ in COURSES}
    for code, _title, _summary, lessons in COURSES:
        assert len(COURSES_EN[code][2]) == len(lessons), code


def test_every_task_has_english() -> None:
    assert set(TASKS_EN) == {code for code, *_ in TASKS}


def test_demo_industries_are_the_vocabularys() -> None:
    assert set(DEMO_INDUSTRIES) <= set(INDUSTRIES)
