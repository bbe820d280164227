"""The cursor of a keyset page over (at, id), newest first: the audit viewer (audit.selectors)
and the reminder inbox (approvals.reminders) page their rows by it. A cursor names the place
of the last row shown, so a page is read through an index from there, however deep it is."""

import datetime

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def cursor_of(row) -> str:
    """`<microseconds since epoch>.<id>`: the row's place in (at, id) order."""
    return f"{(row.at - _EPOCH) // datetime.timedelta(microseconds=1)}.{row.pk}"


def parse_cursor(cursor: str | None) -> tuple[datetime.datetime, int] | None:
    """A cursor's place; anything else (a hand-edited URL) means the first page."""
    try:
        micros, pk = (int(part) for part in (cursor or "").split("."))
        return _EPOCH + datetime.timedelta(microseconds=micros), pk
    except (ValueError, OverflowError):
        return None
