"""The one visibility rule of reportable rows, and the state each viewer sees (DESIGN.md §3).

unit U sees row r ⇔ r.unit_path starts with U.path and r.holder_depth ≤ U.depth: all of its
own rows, and a subordinate's rows once they have reached U. Every list, detail, query,
statistics and export of a reportable model reads through `visible_to`. A model that is never
reported (approvals.models.Unreported) is seen by its owner and every unit above it at once, or
where its parent row is seen: `visible_to` reads such rows through `visible_unreported`.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Left
from django.http import Http404
from django.utils import timezone

from approvals.models import Movement, ReportState, is_reported, report_via
from approvals.notices import label_of as kind_label_of
from org.models import Unit
from org.selectors import ancestors_of


class ViewerState(models.TextChoices):
    """What a row is to the unit looking at it. Only the holder sees draft/received/returned;
    every unit below the holder sees 已上报."""

    DRAFT = "draft", "未上报"
    RECEIVED = "received", "下级上报"
    RETURNED = "returned", "被退回"
    REPORTED = "reported", "已上报"


def visible_to(queryset: QuerySet, unit: Unit) -> QuerySet:
    if not is_reported(queryset.model):
        return visible_unreported(queryset, unit)
    return queryset.filter(unit_path__startswith=unit.path, holder_depth__lte=unit.depth)


def visible_unreported(queryset: QuerySet, unit: Unit) -> QuerySet:
    """Rows never reported: the owner's subtree prefix alone (人才信息: a county recommends a
    street's job seeker); a child row (`visible_through`) is seen where its parent row is: a
    vacancy where its recruiter is, a recommendation wherever its job seeker is."""
    return queryset.filter(_seen_q(queryset.model, unit))


def _seen_q(model, unit: Unit, prefix: str = "") -> Q:
    """The visibility rule of `model`'s rows, on the path `prefix` from the rows queried: the
    path's prefix (a child of a row never reported has its parent's path: Unreported.
    place_at_owner), and the holder of a reportable row or of a reportable parent row."""
    seen = Q(**{f"{prefix}unit_path__startswith": unit.path})
    if is_reported(model):
        return seen & Q(**{f"{prefix}holder_depth__lte": unit.depth})
    through = getattr(model, "visible_through", None)
    if through and is_reported(model._meta.get_field(through).related_model):
        return seen & _seen_q(model._meta.get_field(through).related_model, unit, f"{prefix}{through}__")
    return seen


def sees(unit: Unit, row) -> bool:
    """`visible_to` for one loaded row (a guard under its row lock)."""
    if is_reported(type(row)):
        return row.unit_path.startswith(unit.path) and row.holder_depth <= unit.depth
    through = getattr(row, "visible_through", None)
    reported_parent = through and is_reported(row._meta.get_field(through).related_model)
    return sees(unit, getattr(row, through)) if reported_parent else row.unit_path.startswith(unit.path)


def from_subtree(queryset: QuerySet, unit: Unit) -> QuerySet:
    """Rows owned within `unit`'s subtree (the subordinate-unit selector of list pages)."""
    return queryset.filter(unit_path__startswith=unit.path)


# The ViewerStates of rows the viewer holds, by the row's report_state.
HELD_STATES = {
    ViewerState.DRAFT: ReportState.DRAFT,
    ViewerState.RECEIVED: ReportState.REPORTED,
    ViewerState.RETURNED: ReportState.RETURNED,
}


def viewer_state_q(unit: Unit, state: str) -> Q:
    """The visible rows that are in ViewerState `state` for `unit`."""
    if state == ViewerState.REPORTED:
        return Q(holder_depth__lt=unit.depth)
    return Q(holder_id=unit.pk, report_state=HELD_STATES[state])


Split = tuple[QuerySet, list[QuerySet]]  # the held rows, and per ancestor its rows of the subtree


def held_and_above(queryset: QuerySet, unit: Unit) -> tuple[Split, Split]:
    """`visible_to` split by holder — the rows `unit` holds, and per ancestor the rows of
    `unit`'s subtree that ancestor holds (已上报) — twice over the same ancestors: to count
    and to page. Each part is one index range, whatever the size of the table.

    To count (approvals.lists.capped_counts) each ancestor's part is a path-prefix range,
    which a count reads from the held_path index alone. To page (approvals.lists.page_keys)
    each part is ordered newest first as its index reads it best: the held rows and the
    parent's rows — taken by report_via, the same rows — straight from their indexes, 51
    entries for a page however many there are; a farther ancestor's part is sorted after its
    range (`id + 0` keeps the planner from walking the whole primary key backwards for it, as
    ids of one subtree may cluster: bulk imports)."""
    ancestors = _ancestor_pks(unit)
    held = queryset.filter(holder_id=unit.pk)
    above = [queryset.filter(holder_id=pk, unit_path__startswith=unit.path) for pk in ancestors]
    paged = [branch.order_by((F("pk") + 0).desc()) for branch in above]
    if ancestors:
        parent = queryset.alias(report_via=report_via()).filter(holder_id=ancestors[0], report_via=unit.path)
        paged[0] = parent.order_by("-pk")
    return (held, above), (held.order_by("-pk"), paged)


def _ancestor_pks(unit: Unit) -> list[int]:
    """The ids of the unit's ancestors, nearest first."""
    return list(ancestors_of(unit).order_by("-depth").values_list("pk", flat=True)) if unit.depth > 1 else []


def viewer_state(unit: Unit, *, labels: bool = False) -> Case:
    """The ViewerState of each visible row for `unit`, as an SQL expression (for display):
    its value, or with `labels` its Chinese label (未上报 …, for exported files)."""
    return Case(
        *(
            When(viewer_state_q(unit, state), then=Value(str(state.label) if labels else state))
            for state in ViewerState
        ),
        output_field=models.CharField(),
    )


def with_viewer_state(queryset: QuerySet, unit: Unit) -> QuerySet:
    """Each row with its ViewerState for `unit`; a row never reported has none ("")."""
    if not is_reported(queryset.model):
        return queryset.annotate(viewer_state=Value("", output_field=models.CharField()))
    return queryset.annotate(viewer_state=viewer_state(unit))


def state_counts(queryset: QuerySet, unit: Unit) -> dict[str, int]:
    """Visible rows of `queryset` per ViewerState for `unit`: one grouped query (exact; list
    pages use capped per-state counts instead)."""
    counts = dict.fromkeys(ViewerState.values, 0)
    rows = with_viewer_state(queryset, unit).order_by().values("viewer_state").annotate(n=Count("pk"))
    for row in rows:
        counts[row["viewer_state"]] = row["n"]
    return counts


NOT_VISIBLE = "数据不存在或不在本单位的查看范围内。"


def get_visible_or_404(queryset: QuerySet, unit: Unit, pk):
    """One row of `queryset` by id as `unit` sees it (visible_to, with its viewer_state), else
    404 — the same answer as for a row that does not exist."""
    try:
        return with_viewer_state(visible_to(queryset, unit), unit).get(pk=pk)
    except (ObjectDoesNotExist, TypeError, ValueError):
        raise Http404(NOT_VISIBLE) from None


def movements_of(row) -> QuerySet:
    """The movement log of one record, oldest first, with its actions' units and users."""
    return (
        Movement.objects.filter(content_type=ContentType.objects.get_for_model(row), object_id=row.pk)
        .select_related("action__sender", "action__receiver", "action__actor", "from_holder", "to_holder")
        .order_by("action__at", "pk")
    )


def last_reported_at(row):
    """When the row last went up (上报 or 快速上报), from its movement log; None if never."""
    reports = movements_of(row).filter(from_holder__depth__gt=F("to_holder__depth"))
    return reports.order_by("-action__at").values_list("action__at", flat=True).first()


@dataclass(frozen=True)
class LoggedMove:
    """One line of a record's 流转记录, as the page shows it."""

    at: str  # local time, "Y-m-d H:i"
    kind: str
    from_holder: str
    to_holder: str
    actor: str
    message: str
    reason: str | None  # 退回原因 of a return


def movement_log_of(row) -> list[LoggedMove]:
    """movements_of(row) for the page: only the columns it shows (the six joined models' every
    column cost 1.5 ms of CPU to select and load on each file page)."""
    # Most records never moved: a lookup on the record index answers that without planning the
    # five joins below (2 ms of the database's planning time on every file page).
    if not Movement.objects.filter(content_type=ContentType.objects.get_for_model(row), object_id=row.pk).exists():
        return []
    fields = ("action__at", "action__kind", "from_holder__name", "to_holder__name", "action__actor_id",
              "action__actor__full_name", "action__actor__username", "action__message",
              "action__return_reason__value")  # fmt: skip
    return [
        LoggedMove(
            at=timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
            kind=kind_label_of(kind),
            from_holder=from_name,
            to_holder=to_name,
            actor=(full_name or username) if actor_id is not None else "—",
            message=message,
            reason=reason,
        )
        for at, kind, from_name, to_name, actor_id, full_name, username, message, reason in movements_of(row)
        .values_list(*fields)
        .iterator()
    ]


def waiting_counts(module, unit: Unit) -> dict[str, int]:
    """Rows held by `unit`, per child path ('' for the unit's own rows): one grouped query per model."""
    child_path = Left("unit_path", len(unit.path) + Unit.steplen)
    counts: dict[str, int] = {}
    for model in module.models:
        rows = model.objects.filter(holder=unit).order_by().values(path=child_path).annotate(n=Count("pk"))
        for row in rows:
            key = row["path"] if len(row["path"]) > len(unit.path) else ""
            counts[key] = counts.get(key, 0) + row["n"]
    return counts
