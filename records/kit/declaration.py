"""What a record module declares (DESIGN.md §2a), and the registry of declared modules.

A module's AppConfig.ready calls `register(RecordModule(...))`; from then on the kit's urls,
navigation, reminders, audit events and permission-test rows know it. The declaration names
fields of the model; labels, kinds and choices are read from the model's own fields, so a field
is described once, where it is defined.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Expression, Q
from django.urls import reverse

from approvals.lists import RowAction
from approvals.models import is_reported
from forms_stats.crosstab import Measure, count_related, count_rows, sum_of

ALWAYS, WHILE_HELD = "always", "while_held"  # edit_policy: files stay editable after reporting


@dataclass(frozen=True)
class Computed:
    """A value the model works out (a property: a file's 家庭年人均收入), shown on the sheet under
    its label; nothing enters, lists or queries it."""

    name: str
    label: str
    # What the value reads through relations, for prefetch_related when a list shows it: a list
    # may show a Computed as a column.
    prefetch: Sequence[str] = ()
    # Or the SQL that works it out (an assistance's 帮扶措施, a subquery over its lines): the rows
    # a list, the file page's section and the query's exports read are annotated with it under
    # `name`, so no row reads its relations in Python and a page reads no other row.
    expression: Expression | None = None


@dataclass(frozen=True)
class Section:
    """One block of a record's sheet: the detail page, the print view, Word and Excel of one
    record all lay out these sections. `fields` are names of the model's fields, or paths
    through a relation ("file.head.name"), or Computed values; a grid of `pairs` label/value
    pairs a row, where a long text and the `wide` fields take a row of their own."""

    title: str
    fields: Sequence[str | Computed]
    pairs: int = 2
    wide: Sequence[str] = ()

    @property
    def paths(self) -> list[str]:
        return [name for name in self.fields if isinstance(name, str)]


@dataclass(frozen=True)
class Table:
    """The rows of a related manager of the record as a table (a household's members):
    `relation` names the manager, `columns` paths on its rows. The blank form has `blank_rows`
    empty rows to fill in by hand; Word draws the columns `widths_mm` wide (else equal)."""

    title: str
    relation: str
    columns: Sequence[str]
    empty: str = "无"  # said when the record has no row
    blank_rows: int = 3
    widths_mm: Sequence[float] = ()


@dataclass(frozen=True)
class Lines(Table):
    """A Table whose rows are entered with the record, on its form (an assistance's up to three
    measure lines): `rows` numbered lines of `fields`, kept in the rows model's `position`.
    `settle(row, lines)` is the rule across the record and its lines (the model's: at least one
    line when 已帮扶), raising ValidationError by field ("lines": above the lines), and setting
    what the lines make (the total). `locked(line)` says why a stored line is read-only ('' if
    it is not): such a line keeps its values whatever the form sends."""

    fields: Sequence[str] = ()
    rows: int = 3
    settle: Callable | None = None
    locked: Callable | None = None
    # How 统计 measures the lines when its 统计项目 is a field of theirs (stat_dimensions
    # "measures.measure"): measures over the lines' own fields (count: the lines, sum_of
    # "amount": their amounts), never the record's, which a join would repeat once per line.
    stat_measures: Sequence[Measure] = ()


@dataclass(frozen=True)
class PersonLink:
    """The record belongs to a person (a household file's head): the entry starts with the ID
    number (manual 3.2.1.1, 6.1.1). `field` is the record's foreign key to records.WorkerFile;
    `required=False` links a file when the typed number has one and lets the record stand alone
    otherwise (a petitioner need not be a hardship worker)."""

    field: str = "file"
    required: bool = True
    id_field: str = ""  # the record's own ID-number field, for an optional link
    # The link to the entry form for a file, offered on the files' lists, query results, form
    # and page ("增加帮扶救助信息", manual 3.2.1.1); "": not offered.
    offer_on_files: str = ""
    # The title of the page that enters one record for each of many checked files (批量帮扶,
    # manual 3.2.4: records.kit.batch); "": no such page.
    batch: str = ""
    # Fields the batch's form leaves out: later facts of one record (an assistance's exit, whose
    # follow-ups its own save schedules), entered on each record afterwards.
    batch_skips: Sequence[str] = ()
    # The date that places a row on the household's timeline (records.views_detail), e.g.
    # "assisted_on"; "": the module's rows are not on it.
    timeline_date: str = ""


@dataclass(frozen=True)
class Parent:
    """The record is a child of a row of another declared module (a recruiter of its job agency,
    a vacancy of its recruiter): `field` is the foreign key to it, `module` the parent module's
    key. A child is added only to a parent row the actor's unit may still add to (services.
    parent_rows); the parent's page lists its children with `add_label`; a parent with children
    is not deleted (`delete_message`, the manual's 删除失败,当前机构下有信息).
    `locked_when_reported` (a child never reported itself: vacancies, trainees): once the parent
    row is reported, no add, edit or delete of its children (`locked_message`); print, Excel and
    its page remain."""

    field: str
    module: str
    add_label: str = ""  # "增加招聘单位"; "": 新增<the child's label>
    locked_when_reported: bool = False
    locked_message: str = ""  # "招聘单位已上报,不能增加、修改或删除其招聘职位"
    delete_message: str = "删除失败,当前机构下有信息"
    # A child entered only from its parent's page (推荐信息 of a job seeker, manual 7.3.3): a form
    # choosing among every parent the unit sees (a province's seekers) would be no form.
    entered_from_parent: bool = False


@dataclass(frozen=True)
class CaseProgress:
    """受理 → 办理中 → 办结 with a due date (records.kit.cases). `due_days` is the default;
    settings.CASE_DUE_DAYS[key] overrides it per module."""

    due_days: int = 60
    accepted_from: str = ""  # a date field that is the acceptance (接待日期); "": the form's 受理日期


@dataclass(frozen=True)
class ListAction(RowAction):
    """An action on the rows checked in a list (删除选中, 恢复选中…): the list calls
    `service(actor=…, request=…, <argument>=row)` for each checked row the user's unit sees, and
    lists what the service refused with its reason. `service` None: the kit's record_delete."""

    service: Callable | None = None
    argument: str = "row"  # the keyword the service takes the row by (a file's services: "file")
    done: str = "{action}:已完成 {n} 条。"


DELETE = ListAction("delete", "删除选中的记录", "确定删除选中的记录吗?删除后不能恢复。")
LIST = "list"  # the URL name of a module's first list, at its root URL


@dataclass(frozen=True)
class ListKind:
    """One list of a module's rows: the first at the module's root URL (`<key>:list`), the
    others at `<key>/` (`<module>:<key>`); `nav`: an entry of the navigation. `new`: the query of
    its 新增 link (a temporary file's form: "temporary=1"); None: the list has no 新增. `q` may
    be a function of the viewing user (the own unit's rows: `lambda user: Q(unit=user.unit_id)`).
    `opens`: the page a row's first cell opens (a page of the record: "detail", "exit")."""

    key: str
    title: str
    q: Q | Callable = field(default_factory=Q)
    row_actions: Sequence[ListAction] = (DELETE,)
    nav: bool = True
    new: str | None = ""
    opens: str = "detail"

    def rows_q(self, user) -> Q:
        return self.q(user) if callable(self.q) else self.q


count = count_rows  # the declaration's name for the engine's row count: count("批次")


@dataclass(eq=False)
class RecordModule:
    key: str  # the URL namespace and the audit events' key (an org.models.Module value, or a name of its own)
    label: str  # 信访接待: the navigation entry, titles, the reminder's subject
    model: type[models.Model]
    form_fields: Sequence[str]
    list_columns: Sequence[str]  # shown by default; display preferences offer every sheet field
    sheet: Sequence[Section | Table]
    list_extras: Sequence[Computed] = ()  # worked-out values a list may show, not on the sheet
    filter_fields: Sequence[str] = ()  # the simple filter above the list
    query_fields: Sequence[str] = ()  # the advanced query (a django-filter FilterSet)
    # The module's own query conditions (records.kit.query.Condition), after query_fields': what
    # no field states (a file's 档案类别, a range on a worked-out value, a member's health).
    query_extras: Sequence = ()
    # Paths the model keeps a copy of in a field of its own ({"head.name": "head_name"}): a text
    # condition on the path searches the copy, whose index entries need no join.
    copies: dict = field(default_factory=dict)
    stat_dimensions: Sequence[str] = ()  # code tables, choices and booleans, through relations too
    stat_measures: Sequence[Measure] = ()  # count, sum_of, count_related (a file's family members)
    # (rows the query conditions select, their cleaned data) → the rows the statistics count (a
    # file's: active, of the hardship categories unless 困难类别 chooses one); None: those.
    stat_rows: Callable | None = None
    stat_on_open: bool = True  # the first 统计项目's table as the page opens; False: after 统计
    edit_policy: str = WHILE_HELD
    # The org.models.Module value that guards the module, and the reporting module its rows move
    # in (approvals.registry): several declarations may share one (job agencies, recruiters,
    # vacancies… all 职业介绍). "": the key.
    permission: str = ""
    parent: Parent | None = None
    # False: rows are added and deleted, never changed (推荐信息, manual 7.3.3): no 编辑 page.
    editable: bool = True
    person: PersonLink | None = None
    cases: CaseProgress | None = None
    # (rng, index, codes by table) → field values of one sample row, for `make run`.
    demo_row: Callable | None = None
    widgets: dict = field(default_factory=dict)  # form widgets by field name (a text box's rows)
    lists: Sequence[ListKind] = ()  # () : one list of every row, titled with the label
    # The module's own views in place of the kit's pages ({"create": view, …}): view(request,
    # **url kwargs), as the module's own urls.py would route it (a household file's form with
    # its members). Every other page stays the kit's.
    pages: dict = field(default_factory=dict)
    # Pages of the module's own besides the kit's (records.kit.pages.Page: an assistance's
    # 填写脱困信息), routed under its prefix and walked by the URL × cast test like the kit's.
    own_pages: Sequence = ()
    links: Sequence[tuple[str, str]] = ()  # (label, URL name) of the module's own pages, above its lists
    # A module whose own services write its rows names its own audit events there; None: the
    # kit's 新增/修改/删除<label> (wiring.record_events).
    events: type[models.TextChoices] | None = None
    # The module's own rule of 编辑 (actor, row) → bool, asked in place of the edit policy's (a
    # cancelled file is not edited); None: edit_policy decides.
    edit_rule: Callable | None = None
    title: Callable | None = None  # row (None: the blank form) → its sheet's title; None: the label
    # The module's own parts of its record page, after the kit's (views.DETAIL_EXTRAS): each
    # (request, module, row) → {"template": …, "below": whether after the sheet, …} or None.
    extras: Sequence[Callable] = ()
    gone: Callable | None = None  # pk → raises the 404 that says why a row is not there (merged away)
    # The module's own steps around the kit's writes, after those of the kit's parts (services.
    # BEFORE_SAVE …): before_save(row, actor) refuses with a DomainError (one statistical form
    # per period); after_save(row, before, actor, request), `before` the row as stored or None
    # (an assistance's exit audited, its follow-ups scheduled); before_delete(row, actor).
    before_save: Callable | None = None
    after_save: Callable | None = None
    before_delete: Callable | None = None
    # Why a row held unreported by its owner still cannot be deleted ('' if it can): an
    # assistance whose line is in a fund summary table. Asked by the 删除 button and the service.
    delete_refusal: Callable | None = None

    def __post_init__(self):
        self.permission = self.permission or self.key

    @property
    def reported(self) -> bool:
        """Whether the rows are reported (a Reportable); else they are seen upward at once, or
        where their parent row is seen (approvals.models.Unreported)."""
        return is_reported(self.model)

    @property
    def parent_module(self) -> "RecordModule | None":
        return get(self.parent.module) if self.parent else None

    @property
    def children(self) -> list["RecordModule"]:
        """The declared modules whose rows are children of this module's (recruiters of an agency)."""
        return [module for module in _modules.values() if module.parent and module.parent.module == self.key]

    @property
    def url_prefix(self) -> str:
        return self.key.replace("_", "-")

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.key}:{name}", args=args)

    def field(self, path: str, model=None) -> models.Field:
        """The model field a declared name or path ends at (from `model`: a table's rows)."""
        model = model or self.model
        *steps, name = path.split(".")
        for step in steps:
            model = model._meta.get_field(step).related_model
        return model._meta.get_field(name)

    def label_of(self, path: str, model=None) -> str:
        worked_out = self.computed_named(path) if model is None else None
        return worked_out.label if worked_out else str(self.field(path, model).verbose_name)

    def computed_named(self, name: str) -> Computed | None:
        return next((value for value in self.computed if value.name == name), None)

    def annotations_for(self, paths) -> dict[str, Expression]:
        """annotate() for the worked-out values among `paths` that SQL works out."""
        worked_out = [self.computed_named(path) for path in paths]
        return {value.name: value.expression for value in worked_out if value and value.expression is not None}

    def prefetch_for(self, paths) -> tuple[str, ...]:
        """prefetch_related for the worked-out values among `paths` (a list's shown columns)."""
        return tuple(sorted({p for path in paths if (value := self.computed_named(path)) for p in value.prefetch}))

    def rows_model(self, table: Table):
        """The model of a table's rows."""
        return self.model._meta.get_field(table.relation).related_model

    def record_title(self, row=None) -> str:
        return self.title(row) if self.title else self.label

    @property
    def label_relations(self) -> list[str]:
        """select_related for what str(row) reads through relations (the model's label_fields,
        e.g. "file__head_name": a legal-aid case is named after its worker)."""
        label = getattr(self.model, "label_fields", ())
        return sorted({path.rsplit("__", 1)[0] for path in label if "__" in path})

    @property
    def list_kinds(self) -> list[ListKind]:
        return list(self.lists) or [ListKind(LIST, self.label)]

    def list_url_name(self, kind: ListKind) -> str:
        return LIST if kind == self.list_kinds[0] else kind.key

    @property
    def sections(self) -> list[Section]:
        return [section for section in self.sheet if isinstance(section, Section)]

    @property
    def lines(self) -> Lines | None:
        """The rows entered with the record, if the sheet declares them."""
        return next((block for block in self.sheet if isinstance(block, Lines)), None)

    @property
    def computed(self) -> list[Computed]:
        """The worked-out values a list may show: the sheet's and the list's own."""
        shown = [name for section in self.sections for name in section.fields if isinstance(name, Computed)]
        return [*shown, *self.list_extras]

    @property
    def sheet_fields(self) -> list[str]:
        """The model's fields the sheet shows (its tables' and computed values aside)."""
        return [name for section in self.sections for name in section.paths]


_modules: dict[str, RecordModule] = {}


def register(module: RecordModule) -> RecordModule:
    """Declare a module: the reporting engine moves its rows, the audit log and the reminder
    inbox name it, and the kit's pages serve it."""
    from records.kit import wiring  # the parts of the house a declaration reaches

    _modules[module.key] = module
    wiring.connect(module)
    return module


def get(key: str) -> RecordModule:
    return _modules[key]


def all_modules() -> list[RecordModule]:
    return list(_modules.values())


def of_model(model) -> RecordModule:
    return next(module for module in _modules.values() if module.model is model)


__all__ = [
    "ALWAYS", "WHILE_HELD", "CaseProgress", "Computed", "Lines", "ListAction", "ListKind", "Parent", "PersonLink",
    "RecordModule",
    "Section", "Table", "count", "count_related", "sum_of",
]  # fmt: skip
