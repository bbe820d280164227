"""Placeholder until this area is written (being built now)."""
from django.http import Http404


def help_centre_profile(request, **kwargs):
    raise Http404
