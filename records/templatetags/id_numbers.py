"""`{{ number|id_mask }}`: an ID number as lists show it (records.id_numbers.mask), so templates
never spell out the masking rule themselves."""

from django import template

from records import id_numbers

register = template.Library()


@register.filter
def id_mask(number: str) -> str:
    return id_numbers.mask(number or "")
