"""A registry of kinds that apps declare for themselves (a TextChoices each, decorated with the
registry's `register`): a table stores the value, with no choices and so no migration per
module, and labels come from the registry. The audit events (audit.events) and the notice
kinds of the reminder inbox (approvals.notices) are two of them."""

from django.db import models


class KindRegistry:
    def __init__(self, what: str):
        self.what = what  # named in the error of a value registered twice
        self._labels: dict[str, object] = {}
        self._owners: dict[str, str] = {}

    def register(self, kinds: type[models.TextChoices]) -> type[models.TextChoices]:
        """Add one app's kinds; a value belongs to one app's kinds."""
        for value, label in kinds.choices:
            # By owner, not by label: comparing lazy labels would translate at import time.
            if self._owners.setdefault(value, kinds.__qualname__) != kinds.__qualname__:
                raise ValueError(f"{self.what} {value!r} registered twice by two kinds")
            self._labels[value] = label
        return kinds

    def label_of(self, value: str) -> str:
        return str(self._labels.get(value, value))

    def choices(self) -> list[tuple[str, str]]:
        """Every registered kind, by label (a select's options)."""
        return sorted(((value, str(label)) for value, label in self._labels.items()), key=lambda choice: choice[1])
