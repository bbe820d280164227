"""Placeholder until this area is written (being built now)."""
from django.http import Http404


def directory(request, **kwargs):
    raise Http404

def directory_unit(request, **kwargs):
    raise Http404
