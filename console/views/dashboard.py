"""PLACEHOLDER: replaced by the screen's implementation before this lands."""

from django.http import Http404


def dashboard(request, *args, **kwargs):
    raise Http404
