"""The kinds of report actions and notices in the reminder inbox: the engine's own (report,
return, quick moves, unit moves: approvals.models.ReportKind) and each app's (a TextChoices in
its `notices.py`, decorated with `register`), so a module adds notice kinds without touching
the engine or its migrations. ReportAction.kind stores the value; labels come from here."""

from django.db import models

_LABELS: dict[str, object] = {}
_OWNERS: dict[str, str] = {}


def register(kinds: type[models.TextChoices]) -> type[models.TextChoices]:
    for value, label in kinds.choices:
        # By owner, not by label: comparing lazy labels would translate at import time.
        if _OWNERS.setdefault(value, kinds.__qualname__) != kinds.__qualname__:
            raise ValueError(f"notice kind {value!r} registered twice by two kinds")
        _LABELS[value] = label
    return kinds


def label_of(kind: str) -> str:
    return str(_LABELS.get(kind, kind))
