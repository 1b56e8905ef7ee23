"""PLACEHOLDER: replaced by the screen's implementation before this lands."""

from django.http import Http404


def case_list(request, *args, **kwargs):
    raise Http404


def review(request, *args, **kwargs):
    raise Http404
