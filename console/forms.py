"""Form pieces every console action shares."""

from django import forms

from creators.services import DUPLICATE_REQUEST
from lib.errors import ApplicationError
from lib.kept import request_id
from lib.widgets import HiddenInput


def new_request_id() -> str:
    """A fresh id for a form (``lib.kept.request_id``: on a kept page, a fresh one in each answer)."""
    return request_id()


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
