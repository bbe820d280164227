"""Placeholder until this area is written (being built now)."""
from django.http import Http404


def code_tables(request, **kwargs):
    raise Http404

def code_add(request, **kwargs):
    raise Http404

def code_order(request, **kwargs):
    raise Http404

def code_rename(request, **kwargs):
    raise Http404

def code_delete(request, **kwargs):
    raise Http404
