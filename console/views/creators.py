"""PLACEHOLDER: replaced by the screen's implementation before this lands."""

from django.http import Http404


def creator_list(request, *args, **kwargs):
    raise Http404


def creator_detail(request, *args, **kwargs):
    raise Http404
