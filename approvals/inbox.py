"""待办审批: decisions waiting for a unit, beside its reminders (DESIGN.md §2: the task inbox
that is also the reminder module).

A reminder only informs; a decision needs an answer from the unit's admin: approve a
subordinate's bulk-export request, accept a file transferred from another branch. Each kind of
decision lives in its own module's process and registers one `InboxSource` here (in its app's
`ready()`); the inbox page and the header count read every source the user may act on.
Decisions are few per unit, so each source is read with one bounded query and merged here.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from org.models import Unit, User

ITEMS_PER_SOURCE = 200


@dataclass(frozen=True)
class InboxItem:
    """One row of the inbox: what waits, from whom, since when, and where to decide it."""

    kind: str  # the source's label, e.g. 批量导出申请
    title: str
    sender: str  # the name of the unit that asks
    at: datetime.datetime
    url: str
    detail: str = ""


@dataclass(frozen=True)
class InboxSource:
    """A kind of decision.

    `pending(unit)` returns the rows waiting for that unit's decision (newest first, ordered by
    the source); `item(row)` describes one row. Only users holding `module` in that unit see
    the rows; the decision views check the same rule again before they act.
    """

    key: str
    label: str
    module: str
    pending: Callable[[Unit], QuerySet]
    item: Callable[[Model], InboxItem]


_SOURCES: dict[str, InboxSource] = {}


def register(source: InboxSource) -> None:
    _SOURCES[source.key] = source


def sources_for(user: User) -> list[InboxSource]:
    if not user.is_active:
        return []
    return [source for source in _SOURCES.values() if user.has_module(source.module)]


def pending_count(user: User) -> int:
    """For the page header: one COUNT over every source the user may act on (UNION ALL)."""
    waiting = [source.pending(user.unit).order_by().values("pk") for source in sources_for(user)]
    if not waiting:
        return 0
    return waiting[0].union(*waiting[1:], all=True).count()


def pending_items(user: User) -> list[InboxItem]:
    """Every waiting decision of the user's unit, newest first."""
    items = [source.item(row) for source in sources_for(user) for row in source.pending(user.unit)[:ITEMS_PER_SOURCE]]
    return sorted(items, key=lambda item: item.at, reverse=True)
