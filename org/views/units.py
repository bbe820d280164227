"""Placeholder until this area is written (being built now)."""
from django.http import Http404


def unit_home(request, **kwargs):
    raise Http404

def unit_detail(request, **kwargs):
    raise Http404

def unit_create(request, **kwargs):
    raise Http404

def unit_edit(request, **kwargs):
    raise Http404

def unit_delete(request, **kwargs):
    raise Http404

def unit_cut(request, **kwargs):
    raise Http404

def unit_paste(request, **kwargs):
    raise Http404

def unit_order(request, **kwargs):
    raise Http404

def unit_order_reset(request, **kwargs):
    raise Http404
