"""The reporting core: the reportable base model, report/return actions and the movement log."""

import functools
import operator
from dataclasses import dataclass

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Left
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

from approvals import registry
from approvals.notices import label_of as kind_label_of
from approvals.notices import register as register_kinds
from org.models import Unit, code_field

RETURN_REASONS = "return_reason"  # the code table of 退回原因 (seeded by migration 0014)

# --- the reporting model (DESIGN.md §3) -----------------------------------------------------


class ReportState(models.TextChoices):
    DRAFT = "draft", _("未上报")
    REPORTED = "reported", _("已上报")
    RETURNED = "returned", _("被退回")


class MoveCondition:
    """A condition of a move, written once as the rows it refuses: `refusals(model)` gives
    (Q, reason) pairs over the model's own columns. A row moves only from the unit that holds
    it, so the acting unit is the row's holder and the Qs speak of `holder_id`/`holder_depth`:
    one Q serves the set a unit holds (the set-based moves exclude it) and a single row.
    Called with a row, as viewflow calls a transition's conditions, it is true when no pair
    matches the row as stored."""

    def __init__(self, refusals):
        self.refusals = refusals
        self.__name__ = refusals.__name__  # viewflow names an unmet condition by it

    def __call__(self, row) -> bool:
        refused = [condition for condition, _reason in self.refusals(type(row))]
        stored = type(row)._base_manager.filter(pk=row.pk)
        return not refused or not stored.filter(functools.reduce(operator.or_, refused)).exists()


@MoveCondition
def passes_report_blockers(model) -> list[tuple[Q, str]]:
    """The module's own blockers: a problem row stays down."""
    return list(model.report_blockers)


@MoveCondition
def parent_row_is_up(model) -> list[tuple[Q, str]]:
    """A child row (a recruiter) goes up only after its parent row (its agency) has gone above
    the child's holder."""
    if not model.report_parent_field:
        return []
    parent = model._meta.get_field(model.report_parent_field).related_model
    not_up = Q(**{f"{model.report_parent_field}__holder_depth__gte": F("holder_depth")})
    return [(not_up, model.report_parent_message or f"须先上报其所属的{parent._meta.verbose_name}")]


@MoveCondition
def not_held_by_owner(model) -> list[tuple[Q, str]]:
    """The owner has nobody below to return its own row to."""
    return [(Q(unit_id=F("holder_id")), "本单位填报的数据不能退回")]


@MoveCondition
def child_rows_are_down(model) -> list[tuple[Q, str]]:
    """A parent row (an agency) goes down only while none of its child rows (recruiters) sits
    at its holder or above: returning it would put a child above its parent."""
    above, names = [], []
    for child in registry.all_models():
        field = child.report_parent_field
        if field and child._meta.get_field(field).related_model is model:
            rows = child.objects.filter(**{field: OuterRef("pk"), "holder_depth__lte": OuterRef("holder_depth")})
            above.append(Q(Exists(rows)))
            names.append(str(child._meta.verbose_name))
    if not above:
        return []
    reason = model.return_children_message or f"其下的{'、'.join(names)}已上报,须先退回"
    return [(functools.reduce(operator.or_, above), reason)]


def report_via() -> Left:
    """The path of the holder's child through which a row reached its holder: its
    `unit_path` cut to one level below `holder_depth`. The rows a unit has reported that its
    parent holds are exactly those whose report_via is the unit's path, and the held_via index
    gives them newest first, however many there are (selectors.held_and_above). A row its
    owner holds has its own path here."""
    return Left("unit_path", (F("holder_depth") + 1) * Unit.steplen)


# Index names are "<app>_<model>_<purpose>"; a model whose name runs past Django's 30
# characters passes a shorter prefix of its own.
NAME_PREFIX = "%(app_label)s_%(class)s"


def scope_index(prefix: str = NAME_PREFIX) -> models.Index:
    """Scope scans of queries, statistics and exports: `unit_path LIKE 'prefix%' AND
    holder_depth <= depth` (selectors.visible_to)."""
    return models.Index(OpClass("unit_path", name="text_pattern_ops"), "holder_depth", name=f"{prefix}_scope")


def holder_indexes(*partition: str, include: tuple[str, ...] = (), prefix: str = NAME_PREFIX) -> list[models.Index]:
    """The list pages' indexes: the rows a unit holds in id order, per state in id order, and
    an ancestor's rows of a subtree (selectors.held_and_above, lists.page_keys, capped counts).

    A module whose lists always filter on a column of its own (household files by kind) names
    it as `partition`: it follows the holder, so a list of one kind reads only its own entries.
    `include` carries what a list filters on besides (the head's name), so a filtered count
    reads the index alone instead of visiting each row."""
    lead = ["holder", *partition]
    return [
        models.Index(fields=[*lead, "id"], name=f"{prefix}_held", include=include),
        models.Index(fields=[*lead, "report_state", "id"], name=f"{prefix}_held_state", include=include),
        # An ancestor's rows of a subtree: the id in the index lets a page's top-N sort and a
        # count read the index alone.
        models.Index(
            *lead,
            OpClass("unit_path", name="text_pattern_ops"),
            "id",
            name=f"{prefix}_held_path",
            include=include,
        ),
        # The parent's rows of a subtree, newest first (report_via): a page reads its 51 ids
        # instead of sorting all of them — a province's 已上报 runs to 100,000s.
        models.Index(*lead, report_via(), "id", name=f"{prefix}_held_via", include=include),
    ]


class Reportable(models.Model):
    """A row that travels up and down the unit tree (report / return).

    `unit` owns the row; `holder` is the unit that holds it now (the owner or an ancestor);
    `unit_path` and `holder_depth` copy the two units' tree positions so the visibility rule
    (selectors.visible_to) needs no join. The transitions below are the one statement of what
    may move (DESIGN.md §3): the set-based moves (services.py, engine.py) read their source
    states, target and conditions back through `Move.declared`.

    A module declares, as class attributes:
    - `reporting_module`: the module key (org.models.Module) whose permission moves the rows;
    - `report_blockers`: [(Q, reason)] — rows matching Q may not be reported (problem rows);
    - `report_parent_field`: name of the FK to the parent row that must go up first, and
      `report_parent_message` the refusal a child row reported first gets (the manual's words:
      此招聘单位信息不允许先被上报); on the parent, `return_children_message` the refusal of its
      return while a child row sits above it.
    """

    unit = models.ForeignKey("org.Unit", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(_("填报单位路径"), max_length=255, editable=False)
    holder = models.ForeignKey(
        "org.Unit",
        verbose_name=_("当前所在单位"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the holder indexes below all lead with it
    )
    holder_depth = models.PositiveSmallIntegerField(_("当前所在层级"), editable=False)
    report_state = FSMField(
        _("上报状态"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT, editable=False
    )

    reporting_module: str = ""
    report_blockers: list = []
    report_parent_field: str | None = None
    report_parent_message: str = ""
    return_children_message: str = ""

    class Meta:
        abstract = True
        indexes = [scope_index(), *holder_indexes()]

    @report_state.transition(
        source=ReportState.values,
        target=ReportState.REPORTED,
        label="上报",
        conditions=[passes_report_blockers, parent_row_is_up],
    )
    def report_to(self, parent) -> None:
        """One row goes up from its holder to the holder's parent."""
        self.holder = parent
        self.holder_depth = parent.depth

    @report_state.transition(
        source=[ReportState.REPORTED, ReportState.RETURNED],
        target=ReportState.RETURNED,
        label="退回",
        conditions=[not_held_by_owner, child_rows_are_down],
    )
    def return_to(self, child) -> None:
        """One row goes down to the holder's child on the path to the owner."""
        self.holder = child
        self.holder_depth = child.depth

    @report_state.transition(source=ReportState.values, target=ReportState.DRAFT, label="恢复为未上报")
    def reset(self) -> None:
        """Back at its owner, not reported: a new row, a restored or transferred one (its new
        owner), or one whose unit moved in the tree (engine.reset_moved_subtree)."""
        self.unit_path = self.unit.path
        self.holder = self.unit
        self.holder_depth = self.unit.depth

    def place_at_owner(self, unit) -> None:
        """A new row, or one that changes owner: `unit` owns and holds it, not reported."""
        self.unit = unit
        self.reset()


class Unreported(models.Model):
    """A unit's row that is never reported (人才信息, 招聘职位, DESIGN.md §3): seen by its owner
    and every unit above it at once (`unit_path` prefix, no holder); or, for a child row, where
    its parent row is seen (a vacancy where its recruiter is, a recommendation where its job
    seeker is): `visible_through` names the foreign key to the parent (selectors.visible_unreported).
    `reporting_module` is the permission (org.models.Module) that reads and writes the rows,
    as on a Reportable; unit moves rewrite `unit_path` (services.rows_reset_after_unit_move)."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(_("填报单位路径"), max_length=255, editable=False)

    reporting_module: str = ""
    visible_through: str | None = None

    class Meta:
        abstract = True
        indexes = [models.Index(OpClass("unit_path", name="text_pattern_ops"), "id", name=f"{NAME_PREFIX}_scope")]

    def place_at_owner(self, unit) -> None:
        """A new row: `unit` owns it. A child of a row never reported (a recommendation of a job
        seeker, made by a unit above the seeker's) is filed under its parent's path: seen where
        the parent is by one index range of its own (selectors.visible_unreported), counted in
        the parent's area, and rewritten with it when a unit moves."""
        self.unit = unit
        parent = getattr(self, self.visible_through) if self.visible_through else None
        self.unit_path = parent.unit_path if parent is not None and not is_reported(type(parent)) else unit.path


def is_reported(model) -> bool:
    """Whether rows of `model` travel up and down the tree (else: Unreported)."""
    return issubclass(model, Reportable)


@dataclass(frozen=True)
class Move:
    """A transition of `report_state` read back from its declaration on Reportable, for the
    set-based moves: the states it leaves, the state it reaches, and its conditions."""

    label: str
    sources: tuple[str, ...]
    target: str
    conditions: tuple[MoveCondition, ...]

    @classmethod
    def declared(cls, method) -> "Move":
        # viewflow keeps one Transition per source state; one declaration gives them all the
        # same label, target and conditions.
        transitions = list(method.get_transitions())
        first = transitions[0]
        return cls(first.label, tuple(t.source for t in transitions), first.target, tuple(first.conditions))

    def refusals(self, model) -> list[tuple[Q, str]]:
        """Why rows of `model` held by the acting unit may not make this move, in the order a
        refused row is explained: each condition's, then a state the move does not leave."""
        refusals = [refusal for condition in self.conditions for refusal in condition.refusals(model)]
        stuck = [state for state in ReportState if state not in self.sources]
        if stuck:
            labels = "、".join(str(state.label) for state in stuck)
            refusals.append((Q(report_state__in=stuck), f"{labels}的数据不能{self.label}"))
        return refusals

    def eligible(self, rows: QuerySet) -> QuerySet:
        """The rows of `rows` no refusal applies to. Lazy: a set-based UPDATE evaluates it, so a
        parent row returned after its children in the same action sees them already moved."""
        for condition, _reason in self.refusals(rows.model):
            rows = rows.exclude(condition)
        return rows


REPORT_MOVE = Move.declared(Reportable.report_to)
RETURN_MOVE = Move.declared(Reportable.return_to)
RESET_MOVE = Move.declared(Reportable.reset)


@register_kinds
class ReportKind(models.TextChoices):
    """The engine's own actions; apps add their notice kinds in their notices.py."""

    REPORT = "report", _("上报")
    RETURN = "return", _("退回")
    QUICK_REPORT = "quick_report", _("快速上报")
    QUICK_RETURN = "quick_return", _("快速退回")
    UNIT_MOVED = "unit_moved", _("单位调整恢复为未上报")


class ReportAction(models.Model):
    """One report or return action: who sent how many rows of which module to whom, with the
    sender's message. Its process (flows) holds the reminder task of the receiving unit."""

    # A kind some app registered (approvals.notices): no choices, so no migration per module.
    kind = models.CharField(_("操作"), max_length=20)
    module = models.CharField(_("模块"), max_length=20)
    sender = models.ForeignKey("org.Unit", verbose_name=_("发送单位"), on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey("org.Unit", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("提醒内容"), blank=True)
    # 退回原因 chosen in the return dialog besides the message (a code table, so the returns can
    # be counted by reason: approvals.returns); empty on reports and on returns without one.
    return_reason = code_field(RETURN_REASONS, _("退回原因"))
    count = models.PositiveIntegerField(_("数量"), default=0)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    process = models.OneToOneField(
        "viewflow.Process",
        verbose_name=_("流程"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_action",
    )
    # Whether the receiving unit's reminder still waits: the process's remind task is open.
    # Kept beside the process (set False in the transaction that completes the task,
    # approvals.reminders) because every page header counts a unit's waiting reminders: by
    # this flag that is an index count, by the process status a lookup per reminder ever
    # received, growing with the unit's history.
    pending = models.BooleanField(_("待处理"), default=True)

    class Meta:
        verbose_name = _("上报退回操作")
        verbose_name_plural = _("上报退回操作")
        indexes = [
            models.Index(fields=["receiver", "module", "-at"], name="approvals_action_receiver"),
            # A unit's waiting reminders, newest first: the header's count and the 待处理提醒
            # page, which stops after a page instead of joining every waiting one first.
            models.Index(
                fields=["receiver", "-at"],
                condition=models.Q(pending=True, process__isnull=False),
                name="approvals_action_pending",
            ),
        ]

    @property
    def kind_label(self) -> str:
        return kind_label_of(self.kind)

    def __str__(self):
        return f"{self.kind_label} {self.count} 条({self.sender} → {self.receiver})"


class Movement(models.Model):
    """The movement log: one row per moved record and action, written by one INSERT…SELECT."""

    # Every move of every row adds one: only the indexes the reads use (an action's rows, a
    # record's log). The content type leads the record index; nothing looks up by holder.
    action = models.ForeignKey(ReportAction, on_delete=models.PROTECT, related_name="movements")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.BigIntegerField()
    from_holder = models.ForeignKey(
        "org.Unit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+",
        verbose_name=_("原所在单位"),
    )  # fmt: skip
    to_holder = models.ForeignKey(
        "org.Unit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+",
        verbose_name=_("新所在单位"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        indexes = [models.Index(fields=["content_type", "object_id"], name="approvals_movement_record")]
        triggers = [pgtrigger.Protect(name="movement_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]


# --- display preferences (manual 2.7) -------------------------------------------------------


class DisplayPreference(models.Model):
    """自定义显示选项: how one user wants one list shown — which columns in which order, the
    sort, and rows per page. `list_key` names the list (approvals.preferences.LISTS); values
    that no longer match the list's columns are ignored when applied."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="display_preferences", verbose_name=_("用户")
    )
    list_key = models.CharField(_("列表"), max_length=100)
    columns = models.JSONField(_("显示项目"), default=list, blank=True)  # Column.field values in order; [] = default
    sort = models.CharField(
        _("排序"), max_length=100, blank=True
    )  # Column.field, "-" for descending; "" = newest first
    page_size = models.PositiveSmallIntegerField(_("每页显示条数"), default=50)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("自定义显示选项")
        verbose_name_plural = _("自定义显示选项")
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key"], name="approvals_display_preference_unique"),
            models.CheckConstraint(
                condition=models.Q(page_size__gte=10, page_size__lte=200), name="approvals_display_preference_page_size"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.list_key}"
