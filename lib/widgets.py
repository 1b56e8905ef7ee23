"""Form parts drawn in Python where Django's form templates cost a list page the most, with the same HTML.

Django's ``<select>`` renders through the form renderer's templates an ``{% include %}`` per option and one
more per option's attributes: a filter bar of four selects and forty options cost a square view more than
its query. ``Select`` writes the same markup directly (tests/lib/test_widgets.py compares it with Django's
in every case it draws; optgroups and labels other than text still go through the templates).
``ErrorList`` skips the templates when there is no error to show (they render nothing then). ``HiddenInput``
and ``TextInput`` write an ``<input>`` as ``input.html`` does (every console action form has one).
"""

from django import forms
from django.forms.utils import ErrorList as DjangoErrorList
from django.forms.widgets import Input
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def flat_attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare `` name`` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        elif value is not False:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _option(option: dict) -> str:
    """``select_option.html``, with the line break its file ends with."""
    value, label = conditional_escape(option["value"]), conditional_escape(str(option["label"]))
    return f'\n  <option value="{value}"{flat_attrs(option["attrs"])}>{label}</option>\n'


class Select(forms.Select):
    """``forms.Select`` drawn without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group_choices, _ in widget["optgroups"]:
            for option in group_choices:
                if group_name or not isinstance(option["label"], str | Promise) or not isinstance(option["value"], str):
                    return super().render(name, value, attrs, renderer)
                options.append(_option(option))
        head = f'<select name="{conditional_escape(widget["name"])}"{flat_attrs(widget["attrs"])}>'
        return mark_safe(f"{head}{''.join(options)}\n</select>")


class ErrorList(DjangoErrorList):
    """An empty list renders nothing without asking the renderer's templates."""

    def render(self, template_name=None, context=None, renderer=None):
        if not self.data:
            return SafeString("")
        return super().render(template_name, context, renderer)

    __str__ = __html__ = render  # as Django binds them, to the method of this class


class _DrawnInput(Input):
    """An ``<input>`` drawn in Python, as ``django/forms/widgets/input.html`` draws it: Django's renderer
    spends two templates on each (its own and ``input.html``), a good part of the console runs page's form.
    tests/console/test_forms.py compares it with Django's."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        head = f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        return mark_safe(f"{head}{shown}{flat_attrs(widget['attrs'])}>")  # every value escaped above


class HiddenInput(_DrawnInput, forms.HiddenInput):
    pass


class TextInput(_DrawnInput, forms.TextInput):
    pass
