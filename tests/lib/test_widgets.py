"""``lib.widgets`` draws exactly what Django's form templates draw, only quicker."""

import pytest
from django import forms
from django.forms.utils import ErrorList as DjangoErrorList
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from lib.widgets import ErrorList, Select

CHOICES = [
    ("", gettext_lazy("全部行业")),
    ("美妆", "美妆"),
    ('a"b<c>&d', "<b>&'\"</b>"),
    ("safe", mark_safe("<em>ok</em>")),
    ("1", "LV1"),
]
ATTRS = [None, {"id": "id_x"}, {"id": "id_x", "class": "input", "required": True, "disabled": False, "maxlength": 5},
         {"aria-invalid": "true", "data-x": 'q"<'}]  # fmt: skip


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "美妆", 'a"b<c>&d', "absent", ["1", "美妆"]])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_select_draws_what_djangos_draws(attrs, value, language):
    with translation.override(language):
        for base in ({}, {"class": "wide"}):
            ours, theirs = Select(attrs=base, choices=CHOICES), forms.Select(attrs=base, choices=CHOICES)
            assert ours.render("industry", value, attrs) == theirs.render("industry", value, attrs)


def test_optgroups_and_figures_as_labels_are_left_to_django():
    for choices in ([("group", [("a", "A"), ("b", "B")]), ("c", "C")], [(1, 1000), (2, 2)]):
        assert Select(choices=choices).render("x", "a") == forms.Select(choices=choices).render("x", "a")


def test_the_square_filters_draw_as_before(client, db):
    """The square's form, valid and with an error (its widget then carries ``aria-invalid``)."""
    from square.forms import SquareFilterForm

    for data in ({}, {"industry": "美妆", "fans": "10w-100w"}, {"industry": "不存在", "level": "9"}):
        ours = SquareFilterForm(data, regions=["北京", "上海"])
        ours.is_valid()
        theirs = SquareFilterForm(data, regions=["北京", "上海"])
        for field in theirs.fields.values():
            field.widget = forms.Select(choices=field.choices)
        theirs.error_class = DjangoErrorList
        theirs.is_valid()
        for name in ours.fields:
            assert str(ours[name]) == str(theirs[name]), name
            assert str(ours[name].errors) == str(theirs[name].errors), name
        assert isinstance(ours.fields["industry"].widget, Select)


@pytest.mark.parametrize("errors", [[], ["一个错误"], ["<b>", "两个"]])
def test_an_error_list_draws_what_djangos_draws(errors):
    assert str(ErrorList(errors)) == str(DjangoErrorList(errors))
    assert str(ErrorList(errors, field_id="id_x")) == str(DjangoErrorList(errors, field_id="id_x"))
