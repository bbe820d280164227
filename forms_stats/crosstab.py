"""The statistics (cross-tab) engine every module uses (manual 2.2.8, 3.2.6, 4.3, …).

A statistics table counts the rows a unit sees, broken down

- down the side by area (地区): one row per child of the chosen unit C, each summing C's
  child's whole subtree, one row for C's own rows (本级), and the total (合计);
- across the top by one dimension (统计项目: 性别, 政治面貌, …): its values in code-table
  order, an explicit "(未填)" for NULL, then 总数; each value carries every measure
  (职工人数, 供养人口数; 人次, 金额; …).

It is ONE grouped SQL query per table (DESIGN.md §7)::

    SELECT left(unit_path, len(C.path) + 4) AS area, <dimension> AS value, <measures…>
    FROM <table> [JOIN what the dimension or conditions need]
    WHERE unit_path LIKE 'C%' AND holder_depth <= viewer.depth AND <conditions>
    GROUP BY 1, 2

plus one query for the names of C's children (and whatever the dimension needs for its labels,
e.g. one code-table read). Never a loop over units or rows in Python: the query's answer has at
most (children + 1) × (values + 1) rows, which are laid out and summed here.

Performance: the WHERE clause is exactly the visibility rule restricted to C's subtree. Below the
national level C's path prefix is what selects, a range of the (unit_path text_pattern_ops,
holder_depth) index every reportable table has. The national unit's prefix is every row: there
holder_depth selects (the rows held at the top), which that index cannot range over.
Measures over related rows (a file's family members) must be correlated subqueries per row
(`count_related`), not joins: a join multiplies the rows, forcing COUNT(DISTINCT) for the row
count and corrupting every SUM measure. PostgreSQL runs such a subquery in the leader of a
parallel plan, a few microseconds per counted row on the foreign key's index. The one join the engine makes
is the other way round: a dimension whose values are on the related rows (an assistance's
measure lines) counts those rows, each once, with measures of theirs (`Dimension.through`).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    Expression,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Left

from approvals.selectors import from_subtree, visible_to
from org.models import Unit
from org.selectors import children_of, codes_of

UNFILLED = "(未填)"
OWN_ROWS = "本级"
TOTAL = "合计"
GRAND_TOTAL = "总数"

Number = int | Decimal


@dataclass(frozen=True)
class Dimension:
    """What makes the columns: an ORM field path (or expression) and its values' labels, in
    display order. NULL is always the "(未填)" column; values outside `choices` (none, when the
    choices are a code table) still get a column, after the known ones."""

    label: str
    expression: str | Expression
    choices: Sequence[tuple[Any, str]] | Callable[[], Iterable[tuple[Any, str]]]
    # A to-many relation of the counted rows whose rows carry the values (an assistance's
    # "measures": its lines' 帮扶措施): the table then counts the related rows, each once in its
    # own value's column, and its measures are theirs (`Measure.over`), never the holding row's
    # (a record's total joined to each of its lines would count once per line).
    through: str = ""

    @classmethod
    def code_table(cls, label: str, field_path: str, table_key: str, through: str = "") -> "Dimension":
        """A foreign key to one code table: one extra query reads the table's values in order."""
        return cls(label, field_path, lambda: codes_of(table_key).values_list("pk", "value"), through)

    def expression_for_query(self) -> Expression:
        return F(self.expression) if isinstance(self.expression, str) else self.expression

    def labelled_values(self) -> list[tuple[Any, str]]:
        return [(value, str(label)) for value, label in (self.choices() if callable(self.choices) else self.choices)]


@dataclass(frozen=True)
class Measure:
    """One number per cell: an aggregate over the rows of the cell (Count("pk"), Sum("amount"),
    Sum(<correlated subquery>), Max(…)), and how cells of it combine into a row's 总数 and the
    合计 row: `sum`, or `max` / `min` for a largest or smallest value, which no sum may mix."""

    label: str
    aggregate: Aggregate
    combine: Callable[[Iterable[Number]], Number] = sum

    def over(self, relation: str) -> "Measure":
        """The measure of a to-many relation's rows, aggregated from the rows that hold them:
        Sum("amount") of an assistance's lines is Sum("measures__amount"), Count("pk") counts
        the lines. The aggregate's field references are re-rooted; a correlated subquery
        (count_related) has no such reading and is refused."""
        return replace(self, aggregate=_rooted(self.aggregate, relation))


def _rooted(expression, relation: str):
    if expression is None:  # an aggregate's absent FILTER / ORDER BY
        return None
    if isinstance(expression, F):
        return F(f"{relation}__{expression.name}")
    if isinstance(expression, Subquery) or not hasattr(expression, "get_source_expressions"):
        raise ValueError(f"{expression!r}: 不能统计 {relation} 的行")
    rooted = expression.copy()
    rooted.set_source_expressions([_rooted(part, relation) for part in expression.get_source_expressions()])
    return rooted


def count_rows(label: str) -> Measure:
    return Measure(label, Count("pk"))


def sum_of(label: str, field: str) -> Measure:
    """The sum of a number field over the cell's rows (人次 = the visitors of each petition)."""
    return Measure(label, Sum(field))


def count_related(label: str, model, fk_field: str, **where) -> Measure:
    """The number of `model` rows pointing at each counted row through `fk_field` (a file's
    family members), summed per cell: a correlated COUNT per row on the foreign key's index,
    so the grouped query keeps one row per counted row (see the module docstring). COUNT(*),
    not of a column: the foreign key's index alone answers it (an index-only scan). `where`
    counts only the related rows matching it (a class's trainees employed after training)."""
    per_row = (
        model._default_manager.filter(**{fk_field: OuterRef("pk")}, **where)
        .order_by()
        .values(n=Func(template="COUNT(*)", output_field=IntegerField()))
    )
    return Measure(label, Sum(Subquery(per_row, output_field=IntegerField())))


@dataclass(frozen=True)
class Column:
    value: Any  # None for (未填)
    label: str


@dataclass
class Row:
    """One area: `cells[c][m]` is measure m in column c; `total[m]` is measure m over the row."""

    label: str
    kind: str  # "child", "own" (本级) or "total" (合计)
    unit_pk: int | None
    cells: list[list[Number]]
    total: list[Number]

    @property
    def values(self) -> list[Number]:
        """The row's numbers left to right, as the table shows them (cells, then 总数)."""
        return [n for cell in self.cells for n in cell] + self.total


@dataclass
class CrossTab:
    """A rendered-agnostic statistics table: templates and forms_stats.excel both draw it."""

    unit: Unit
    dimension: str
    measures: list[str]
    columns: list[Column]
    rows: list[Row]
    totals: Row
    title: str = ""
    conditions: list[str] = field(default_factory=list)

    @property
    def header_groups(self) -> list[tuple[str, int]]:
        """The first header row: each column's label spanning its measures, then 总数."""
        return [(column.label, len(self.measures)) for column in self.columns] + [(GRAND_TOTAL, len(self.measures))]

    @property
    def header_measures(self) -> list[str]:
        """The second header row: the measures under every column and under 总数."""
        return self.measures * (len(self.columns) + 1)

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, self.totals]


def scope(queryset: QuerySet, *, viewer: Unit, unit: Unit) -> QuerySet:
    """What `viewer` sees (the engine's one visibility selector), owned within `unit`'s subtree.
    The two prefixes of unit_path are one index range: PostgreSQL keeps the narrower. The
    viewer's own table asks for its prefix once: the same LIKE twice squares its estimated
    selectivity (a province's 27,500 files planned as 318)."""
    if not unit.is_within(viewer):
        raise ValueError(f"{unit} is not within {viewer}'s subtree")
    visible = visible_to(queryset, viewer)
    return visible if unit == viewer else from_subtree(visible, unit)


def seen_at_once(queryset: QuerySet, unit_path: str) -> QuerySet:
    """Rows of a model that is not reported, counted by `crosstab` as rows seen upward at once
    (DESIGN.md §3: visibility is the owning unit's path prefix, no holder): `unit_path` names
    the path of the unit each row belongs to ("sender__path"; "unit_path" for a model that keeps
    its own copy: the fund ledger), and every row is held at the top."""
    top = Value(1, output_field=IntegerField())
    if unit_path == "unit_path":
        return queryset.annotate(holder_depth=top)
    return queryset.annotate(unit_path=F(unit_path), holder_depth=top)


def crosstab(
    queryset: QuerySet,
    *,
    viewer: Unit,
    unit: Unit,
    dimension: Dimension | None,
    measures: Sequence[Measure],
    title: str = "",
    conditions: Sequence[str] = (),
) -> CrossTab:
    """The statistics of `queryset` (a reportable model's rows, filtered by the user's
    conditions) as seen by `viewer`, by the areas under `unit` (the viewer or one of its
    subordinates) and the values of `dimension`. Visibility is applied here (see `scope`).
    Without a dimension each area is one row of its measures' 总数 (a statistical form: one
    column per item). A dimension `through` a to-many relation counts the related rows: the
    rows are joined to them (an inner join, which the dimension and the measures share) and
    `measures` are of the related rows (Sum("amount") is the lines' amount)."""
    selected = scope(queryset, viewer=viewer, unit=unit).order_by()
    if dimension and dimension.through:
        # Filtered before the annotations name the relation: they then reuse this one join.
        selected = selected.filter(**{f"{dimension.through}__isnull": False})
        measures = [measure.over(dimension.through) for measure in measures]
    aggregates = {f"m{i}": measure.aggregate for i, measure in enumerate(measures)}
    selected = selected.annotate(stats_area=Left("unit_path", len(unit.path) + Unit.steplen))
    keys = ["stats_area"]
    if dimension:
        selected = selected.annotate(stats_value=dimension.expression_for_query())
        keys.append("stats_value")
    grouped = selected.values(*keys).annotate(**aggregates)
    width = len(measures)
    combiners = [measure.combine for measure in measures]
    # (area path, dimension value) → [measure values]: the query's answer is small.
    found = {(r["stats_area"], r.get("stats_value")): [r[f"m{i}"] or 0 for i in range(width)] for r in grouped}

    columns = []
    if dimension:
        columns = [Column(None, UNFILLED)] + [Column(value, label) for value, label in dimension.labelled_values()]
        known = {column.value for column in columns}
        extra = sorted({value for _area, value in found if value not in known}, key=str)
        columns += [Column(value, str(value)) for value in extra]

    areas = [(f"{unit.name}({OWN_ROWS})", "own", unit.pk, unit.path)] + [
        (child.name, "child", child.pk, child.path) for child in children_of(unit)
    ]
    listed = {path for *_rest, path in areas}
    strays = sorted({area for area, _value in found if area not in listed})
    # Rows whose area the tree no longer lists (none while unit_path is kept in step with the
    # tree): shown apart rather than lost, so the total is always the sum of the rows.
    areas += [(f"其他({path})", "child", None, path) for path in strays]

    def row(label, kind, pk, path) -> Row:
        if not dimension:
            return Row(label, kind, pk, [], found.get((path, None), [0] * width))
        return _row(label, kind, pk, [found.get((path, column.value), [0] * width) for column in columns], combiners)

    rows = [row(*area) for area in areas]
    totals = Row(
        TOTAL,
        "total",
        None,
        [_combine([row.cells[c] for row in rows], combiners) for c in range(len(columns))],
        _combine([row.total for row in rows], combiners),
    )
    return CrossTab(
        unit=unit,
        dimension=dimension.label if dimension else "",
        measures=[str(m.label) for m in measures],
        columns=columns,
        rows=rows,
        totals=totals,
        title=title,
        conditions=list(conditions),
    )


def _combine(vectors: list[list[Number]], combiners: Sequence[Callable]) -> list[Number]:
    """Measure by measure, the vectors' values combined as each measure says (sum, max, min)."""
    if not vectors:
        return [0] * len(combiners)
    return [combine(values) for combine, values in zip(combiners, zip(*vectors, strict=True), strict=True)]


def _row(label: str, kind: str, pk: int | None, cells: list[list[Number]], combiners: Sequence[Callable]) -> Row:
    return Row(label, kind, pk, cells, _combine(cells, combiners))


def chart_data(table: CrossTab) -> dict:
    """What the chart beside a table draws (templates/kit/_statistics_chart.html, static/js/kit_charts.js), for the first measure: its 总数 per area (合计 left out) and each
    dimension value's share of 合计 (values with nothing left out of the pie)."""
    return {
        "measure": table.measures[0],
        "dimension": table.dimension,
        "areas": [{"name": row.label, "value": _number(row.total[0])} for row in table.rows],
        "shares": [
            {"name": column.label, "value": _number(cell[0])}
            for column, cell in zip(table.columns, table.totals.cells, strict=True)
            if cell[0]
        ],
    }


def _number(value):
    return float(value) if isinstance(value, Decimal) else value
