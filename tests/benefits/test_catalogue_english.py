"""The catalogue in English (docs/i18n.md): every seeded benefit and value note has its English text beside the
Chinese one, an English reader reads it, a row without one reads in Chinese, and re-running the data migration
keeps what operators edited. The Chinese descriptions hold no figure their own fields hold."""

import importlib
import re

import pytest
from django.apps import apps
from django.utils import translation

from benefits.models import Benefit, BenefitCode, LevelBenefit

pytestmark = pytest.mark.django_db

english = importlib.import_module("benefits.migrations.0007_catalogue_english_texts").english


def test_every_benefit_and_value_note_has_english():
    assert not Benefit.objects.filter(name_en="").exists()
    assert not Benefit.objects.filter(description_en="").exists()
    assert not LevelBenefit.objects.exclude(value_note="").filter(value_note_en="").exists()


def test_english_reader_reads_english_chinese_reader_chinese():
    card = Benefit.objects.get(code=BenefitCode.GUARANTEE_CARD)
    note = LevelBenefit.objects.get(benefit__code="diamond_slot", level=3, kind="basic")

    with translation.override("en"):
        assert (card.display_name, str(card)) == ("Submission task guarantee card",) * 2
        assert card.display_description.startswith("Use it when you join a guarantee submission task")
        assert note.display_value_note == "Worth ¥10k · gold diamond slot"
    with translation.override("zh-hans"):
        assert card.display_name == "投稿任务收益保底卡"
        assert card.display_description.startswith("参加保底投稿任务时使用，")
        assert note.display_value_note == note.value_note


def test_a_benefit_nobody_translated_reads_in_chinese():
    added = Benefit.objects.create(code="new_perk", name="新权益", description="运营新加的权益。", delivery="auto")

    with translation.override("en"):
        assert (added.display_name, added.display_description) == ("新权益", "运营新加的权益。")


def test_running_the_migration_again_keeps_operators_edits():
    Benefit.objects.filter(code="identity_tag").update(name_en="Level badge", description="运营改写的说明。")

    english(apps, None)

    tag = Benefit.objects.get(code="identity_tag")
    assert (tag.name_en, tag.description) == ("Level badge", "运营改写的说明。")


def test_descriptions_leave_figures_to_the_fields_that_hold_them():
    """A card's amount and validity and the DOU+ per missing dispatch are fields (messages and pages read them
    there); a description repeating them would go stale when an operator changes one."""
    card = Benefit.objects.get(code=BenefitCode.GUARANTEE_CARD)
    dispatch = Benefit.objects.get(code=BenefitCode.EXTRA_DISPATCH)
    for text in (card.description, card.description_en):
        assert "50" not in text and "180" not in text
    for text in (dispatch.description, dispatch.description_en):
        assert str(dispatch.dou_plus_per_missing) not in text


def test_chinese_names_and_descriptions_use_full_width_punctuation():
    half_width = re.compile(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]")
    assert [b.code for b in Benefit.objects.all() if half_width.search(b.name + b.description)] == []
