"""Receivers: a unit moved in the tree resets the reportable rows of its subtree."""

from django.dispatch import receiver

from approvals.services import rows_reset_after_unit_move
from org.signals import unit_moved


@receiver(unit_moved)
def _reset_rows_of_moved_unit(sender, unit, old_path, new_path, actor, **kwargs):
    rows_reset_after_unit_move(actor=actor, unit=unit, old_path=old_path, new_path=new_path)
