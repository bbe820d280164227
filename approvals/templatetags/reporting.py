from django import template

from approvals.lists import state_badge
from approvals.selectors import movement_log_of

register = template.Library()


@register.simple_tag
def viewer_state_badge(state: str):
    return state_badge(state)


@register.inclusion_tag("approvals/_movement_log.html")
def movement_log(row):
    """The record page's 流转记录: every report, return and reset the row went through."""
    return {"movements": movement_log_of(row)}
