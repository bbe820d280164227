"""Signals other apps hook into."""

from django.dispatch import Signal

# Sent inside the transaction that moved a subtree (cut/paste, manual 18.2.3), after the units'
# paths changed. Receivers get unit, old_path, new_path and actor; the reporting core uses it to
# return every reportable row of the subtree to `draft` at its owner and rewrite `unit_path`.
unit_moved = Signal()

# Sent inside the transaction of a user deletion, before the row goes: whatever points at the
# user and must outlive them (the flows' tasks the user handled) lets go of it here.
user_deleting = Signal()
