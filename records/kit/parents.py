"""Children of a parent row (declaration.Parent): a recruiter of its job agency, a vacancy of its
recruiter, a recommendation of its job seeker. The parent's page lists its children with the
link that adds one (while the parent may take one); that link opens the child's form with the
parent fixed; the form of a child whose unit has no parent to add to says so first (manual 7.2.1:
no recruiter without an agency). The rules themselves are records.kit.services'."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from approvals.lists import Column
from approvals.selectors import visible_to
from records.kit import declaration, services, views
from records.kit.sheet import related_paths

CHILD_ROWS = 200  # a parent's page lists this many of its children, newest first


def _children_table(request, module, row, child) -> dict:
    columns = [Column(path, child.label_of(path)) for path in child.list_columns]
    rows = child.model.objects.filter(**{child.parent.field: row.pk})
    rows = visible_to(rows, request.user.unit).select_related(*related_paths(child, child.list_columns))
    shown = list(rows.order_by("-pk")[: CHILD_ROWS + 1])
    may_add = services.may_add_child(request.user, child, row)
    return {
        "module": child,
        "columns": [column.label for column in columns],
        "rows": [
            (child.url("detail", each.pk), [column.value(each) for column in columns]) for each in shown[:CHILD_ROWS]
        ],
        "more": len(shown) > CHILD_ROWS,
        "add_url": f"{child.url('create')}?{child.parent.field}={row.pk}" if may_add else "",
        "add_label": child.parent.add_label or f"新增{child.label}",
        "locked": services.locked_message(child) if services.parent_locks(child, row) else "",
    }


def children(request, module, row) -> dict | None:
    """records.kit.views.DETAIL_EXTRAS: a table of each child module's rows of this row that the
    user's unit sees (the child's list columns, each row opening its page), below the sheet."""
    tables = [
        _children_table(request, module, row, child)
        for child in module.children
        if request.user.has_module(child.permission)
    ]
    return {"template": "kit/_children.html", "tables": tables, "below": True} if tables else None


def is_id(text: str) -> bool:
    """An id as a URL or form carries it: ASCII digits only ("²".isdigit() is true)."""
    return text.isascii() and text.isdigit()


def fixed_parent(request, module) -> dict | None:
    """records.kit.views.ENTRY_GATES: `?<parent field>=<pk>` (the parent page's add link) fixes
    the parent row, one the user's unit may add to (else 404, as for a row it does not see); a
    child entered only from its parent's page is sent to the parents' list without one."""
    if module.parent is None:
        return None
    if not (pk := request.GET.get(module.parent.field)):
        if not module.parent.entered_from_parent:
            return None
        parent = declaration.get(module.parent.module)
        messages.info(request, f"请在{parent.label}的页面上增加{module.label}。")
        return redirect(parent.url("list"))
    parent = services.parent_rows(request.user, module).filter(pk=pk if is_id(pk) else None).first()
    if parent is None:
        raise Http404("所选上级记录不存在,或已不能在其下增加。")
    return {module.parent.field: parent}


def no_parent_yet(request, module, row, given) -> str:
    """records.kit.views.FORM_NOTES: the unit has no parent row to add to (no agency yet)."""
    if module.parent is None or row is not None or given.get(module.parent.field):
        return ""
    if services.parent_rows(request.user, module).exists():
        return ""
    parent = declaration.get(module.parent.module)
    return f"本单位还没有可以增加{module.label}的{parent.label},请先增加{parent.label}。"


views.DETAIL_EXTRAS.append(children)
views.ENTRY_GATES.append(fixed_parent)
views.FORM_NOTES.append(no_parent_yet)
