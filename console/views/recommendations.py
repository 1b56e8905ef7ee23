"""PLACEHOLDER: replaced by the screen's implementation before this lands."""

from django.http import Http404


def queue(request, *args, **kwargs):
    raise Http404


def fulfil(request, *args, **kwargs):
    raise Http404
