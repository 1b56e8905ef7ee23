"""Form pieces every console action shares."""

import uuid

from django import forms
from django.forms.widgets import Input
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from creators.services import DUPLICATE_REQUEST
from lib.errors import ApplicationError
from lib.widgets import flat_attrs


class _DrawnInput(Input):
    """An ``<input>`` drawn in Python, as ``django/forms/widgets/input.html`` draws it: Django's renderer
    spends two templates on each (its own and ``input.html``), a good part of the runs page's form.
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


def new_request_id() -> str:
    return uuid.uuid4().hex


class ActionForm(forms.Form):
    """A console action's form. ``request_id`` is minted when the form is drawn and posted back with
    it: the service's audit row is keyed by it, so the same form posted twice acts once."""

    request_id = forms.CharField(max_length=64, widget=HiddenInput, initial=new_request_id)


def is_duplicate(error: ApplicationError) -> bool:
    """The same form was posted before and acted then: say so gently (an info toast), not as an error."""
    return error.code == DUPLICATE_REQUEST


def refusal_level(error: ApplicationError) -> str:
    """How a refused action is told: a repeated post as information (it acted the first time), anything
    else as an error."""
    return "info" if is_duplicate(error) else "error"
