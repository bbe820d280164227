"""Placeholder until this area is written (being built now)."""
from django.http import Http404


def user_create(request, **kwargs):
    raise Http404

def user_order(request, **kwargs):
    raise Http404

def user_order_reset(request, **kwargs):
    raise Http404

def user_search(request, **kwargs):
    raise Http404

def user_edit(request, **kwargs):
    raise Http404

def user_delete(request, **kwargs):
    raise Http404
