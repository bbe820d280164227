from django import template

from approvals.lists import STATE_ICONS
from approvals.selectors import ViewerState, movement_log_of

register = template.Library()


@register.inclusion_tag("approvals/_state.html")
def viewer_state_badge(state: str):
    return {"state": state, "label": ViewerState(state).label, "icon": STATE_ICONS[ViewerState(state)]}


@register.filter
def dict_get(mapping: dict, key):
    return mapping.get(key)


@register.inclusion_tag("approvals/_movement_log.html")
def movement_log(row):
    """The record page's 流转记录: every report, return and reset the row went through."""
    return {"movements": movement_log_of(row)}
