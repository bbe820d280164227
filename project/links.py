"""URLs without a reverse() per use: of one object by its id, and of a fixed page.

reverse() costs ~40 µs here (it matches its candidate patterns again on each call): 2 ms for a
list page of 50 linked rows. `pk_url` reverses a URL name once with a placeholder id and puts
each row's id in its place; an <int:pk> converter writes an id as str(id) does, so the result
is what reverse() returns."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = 918273645


@lru_cache(maxsize=256)
def _template(viewname: str, script_prefix: str, urlconf) -> tuple[str, str]:
    url = reverse(viewname, args=[_PLACEHOLDER])
    head, placeholder, tail = url.partition(str(_PLACEHOLDER))
    if not placeholder or str(_PLACEHOLDER) in tail:
        raise ValueError(f"{viewname}: its URL does not take one id ({url})")
    return head, tail


def pk_url(viewname: str, pk: int) -> str:
    """reverse(viewname, args=[pk]) for a URL whose one argument is an integer id."""
    if not isinstance(pk, int):
        return reverse(viewname, args=[pk])  # its own answer (or error) for anything else
    head, tail = _template(viewname, *_resolver())
    return f"{head}{pk}{tail}"


@lru_cache(maxsize=256)
def _fixed(viewname: str, script_prefix: str, urlconf) -> str:
    return reverse(viewname)


def fixed_url(viewname: str) -> str:
    """reverse(viewname) for a URL without arguments, reversed once per _resolver(): the links
    every page's header and navigation carry, and each list's links to its module's pages."""
    return _fixed(viewname, *_resolver())


def _resolver() -> tuple[str, object]:
    """What a reversed URL depends on besides its name: the script prefix (reverse() puts it in
    front) and the URLconf in use."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
