from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from approvals.lists import STATE_ICONS
from approvals.models import RETURN_REASONS
from approvals.selectors import ViewerState, movement_log_of
from org.selectors import codes_of

register = template.Library()


@register.inclusion_tag("partials/state_badge.html")
def viewer_state_badge(state: str):
    """A row's state as the viewer sees it: icon and label (未上报 / 下级上报 / 被退回 / 已上报)."""
    state = ViewerState(state)
    return {"state": state, "icon": STATE_ICONS[state]}


@register.simple_tag
def jinja(template_name: str, **context):
    """`{% jinja "approvals/list_rows.jinja" rows=rows %}`: a hot loop of a page (a list's rows,
    the inbox's, the file sheet's cells) written by Jinja2 ("jinja2" in TEMPLATES), several
    times faster than Django's engine. Jinja2 escapes every value as Django does; its output is
    that HTML. The template sees only the context given here."""
    return mark_safe(engines["jinja2"].get_template(template_name).render(context))


@register.inclusion_tag("approvals/_movement_log.html")
def movement_log(row):
    """The record page's 流转记录: every report, return and reset the row went through."""
    return {"movements": movement_log_of(row)}


@register.simple_tag
def return_reasons():
    """The values of 退回原因 for the return dialog (approvals/_move_dialog.html)."""
    return list(codes_of(RETURN_REASONS))
