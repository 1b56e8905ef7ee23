"""PLACEHOLDER: replaced by the screen's implementation before this lands."""

from django.http import Http404


def token_list(request, *args, **kwargs):
    raise Http404


def revoke(request, *args, **kwargs):
    raise Http404
