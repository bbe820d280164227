"""Set-based moves of reportable rows: one statement per move, whatever the number of rows.

Each move is one UPDATE guarded by `holder_id = <acting unit>` — a row somebody else moved
in the meantime no longer matches and is skipped, so two people acting at once can never move
a row twice — chained (WITH … RETURNING) into the INSERT … SELECT of its movement log rows.
Which rows are eligible is the caller's queryset; the guard and the target are decided here.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Concat, Substr

from approvals.models import RESET_MOVE, Movement, ReportAction
from org.models import Unit

_MOVEMENT = Movement._meta.db_table


def _eligible_sql(eligible: QuerySet) -> tuple[str, tuple]:
    return eligible.order_by().values("pk").query.sql_with_params()


def _log_and_collect(model, ctes: str, params: list, action: ReportAction) -> set[int]:
    """Run `ctes`, whose last one, `moved`, is an UPDATE … RETURNING id, from_holder, to_holder,
    and log every row whose holder changed. (PostgreSQL allows an UPDATE only in a top-level
    WITH, hence the caller's CTEs are spliced in, not nested.)"""
    content_type = ContentType.objects.get_for_model(model)
    sql = f"""
        WITH {ctes}
        INSERT INTO {_MOVEMENT} (action_id, content_type_id, object_id, from_holder_id, to_holder_id)
        SELECT %s, %s, id, from_holder, to_holder FROM moved WHERE from_holder <> to_holder
        RETURNING object_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, action.pk, content_type.pk])
        return {row[0] for row in cursor.fetchall()}


def move_to(model, eligible: QuerySet, *, holder: Unit, target: Unit, state: str, action: ReportAction) -> set[int]:
    """Eligible rows held by `holder` go to one `target` unit: its parent (report) or one of its
    children (return, each receiving child being its own action)."""
    table = model._meta.db_table
    sub_sql, sub_params = _eligible_sql(eligible)
    moved = f"""moved AS (
        UPDATE {table} AS t
        SET holder_id = %s, holder_depth = %s, report_state = %s
        WHERE t.id IN ({sub_sql}) AND t.holder_id = %s
        RETURNING t.id, %s::bigint AS from_holder, t.holder_id AS to_holder
    )"""
    params = [target.pk, target.depth, state, *sub_params, holder.pk, holder.pk]
    return _log_and_collect(model, moved, params, action)


def reset_moved_subtree(model, *, old_path: str, new_path: str, action: ReportAction) -> int:
    """After a unit moved in the tree (cut/paste): every row of its subtree makes the reset
    move (Reportable.reset: to its owner, in the declared target state), with `unit_path`
    rewritten. Rows that changed holder are logged; the count returned is of those."""
    table = model._meta.db_table
    rows = RESET_MOVE.eligible(model.objects.filter(unit_path__startswith=old_path))
    before_sql, before_params = rows.order_by().select_for_update().values("id", "holder_id").query.sql_with_params()
    moved = f"""before AS ({before_sql}), moved AS (
        UPDATE {table} AS t
        SET unit_path = %s || substr(t.unit_path, %s),
            holder_id = t.unit_id,
            holder_depth = (length(t.unit_path) - %s + %s) / %s,
            report_state = %s
        FROM before
        WHERE t.id = before.id
        RETURNING t.id, before.holder_id AS from_holder, t.holder_id AS to_holder
    )"""
    params = [
        *before_params,
        new_path,
        len(old_path) + 1,
        len(old_path),
        len(new_path),
        Unit.steplen,
        RESET_MOVE.target,
    ]
    return len(_log_and_collect(model, moved, params, action))


def rewrite_unit_paths(model, *, old_path: str, new_path: str) -> int:
    """After a unit moved in the tree: the rows of a model never reported (Unreported) owned in
    its subtree keep their owner, under the new path; one UPDATE."""
    rows = model.objects.filter(unit_path__startswith=old_path)
    return rows.update(unit_path=Concat(Value(new_path), Substr("unit_path", len(old_path) + 1)))
