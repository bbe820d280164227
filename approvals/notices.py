"""The kinds of report actions and notices in the reminder inbox: the engine's own (report,
return, quick moves, unit moves: approvals.models.ReportKind) and each app's (a TextChoices in
its `notices.py`, decorated with `register`), so a module adds notice kinds without touching
the engine or its migrations. ReportAction.kind stores the value; labels come from here."""

from audit.kinds import KindRegistry

NOTICES = KindRegistry("notice kind")
register, label_of = NOTICES.register, NOTICES.label_of
