"""Periodic statistical forms declared as data, and the one statistics (cross-tab) engine every module uses.

Empty until its issue lands (DESIGN.md §2 layout)."""
