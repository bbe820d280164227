"""Writes of the unit tree by a unit admin (manual 18.2.1–18.2.4)."""

from django.db import transaction
from django.db.models import Case, Max, ProtectedError, Value, When

from audit.services import audit_record
from org.errors import DomainError
from org.events import OrgEvent
from org.models import MAX_DEPTH, Unit, User
from org.permissions import is_user_admin
from org.selectors import children_of, subtree
from org.services.protection import describe, protected_references
from org.signals import unit_moved


def check_in_scope(actor: User, unit: Unit) -> None:
    if not is_user_admin(actor):
        raise DomainError("只有用户管理员才能管理单位和人员。")
    if not unit.is_within(actor.unit):
        raise DomainError(f"“{unit.name}”不在本单位管辖范围内。")


def check_subordinate(actor: User, unit: Unit) -> None:
    """The admin's own unit may be edited but never deleted, cut or moved (manual 18.2.2)."""
    check_in_scope(actor, unit)
    if unit.pk == actor.unit_id:
        raise DomainError("不能删除、剪切或移动本单位,只能操作本单位的下级单位。")


IDENTITY_FIELDS = ("name", "code")


def _locked(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


def _check_unique_name(parent: Unit, name: str, exclude_pk: int | None = None) -> None:
    siblings = children_of(parent).filter(name=name).exclude(pk=exclude_pk)
    if siblings.exists():
        raise DomainError(f"“{parent.name}”下已有名为“{name}”的单位。", field="name")


@transaction.atomic
def unit_create(*, actor: User, parent: Unit, data: dict, request=None) -> Unit:
    parent = _locked(parent)
    check_in_scope(actor, parent)
    if parent.depth >= MAX_DEPTH:
        raise DomainError("基层单位不能再建下级单位。")
    _check_unique_name(parent, data["name"])
    unit = Unit.objects.add_child(parent, data)
    audit_record(event=OrgEvent.UNIT_CREATED, actor=actor, request=request, obj=unit, detail={"parent": parent.pk})
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, data: dict, request=None) -> Unit:
    unit = _locked(unit)
    check_in_scope(actor, unit)
    changes_identity = any(data.get(name, getattr(unit, name)) != getattr(unit, name) for name in IDENTITY_FIELDS)
    if unit.pk == actor.unit_id and changes_identity:
        raise DomainError("本单位的名称和代码只能由上级单位的用户管理员修改。", field="name")
    parent = unit.parent_unit()
    if parent is not None and "name" in data:
        _check_unique_name(parent, data["name"], exclude_pk=unit.pk)
    changed = [name for name, value in data.items() if getattr(unit, name) != value]
    for name in changed:
        setattr(unit, name, data[name])
    if changed:
        unit.save(update_fields=changed)
    audit_record(event=OrgEvent.UNIT_CHANGED, actor=actor, request=request, obj=unit, detail={"fields": changed})
    return unit


@transaction.atomic
def unit_delete(*, actor: User, unit: Unit, request=None) -> int:
    """Delete the unit and its whole subtree, refused while anything there is still in use.
    Every model pointing at Unit protects it, so the database itself names what holds it."""
    unit = _locked(unit)
    check_subordinate(actor, unit)
    held = protected_references(subtree(unit))
    if held:
        raise DomainError(f"无法删除“{unit.name}”:该单位及其下级单位中仍有 {describe(held)}。请先删除或转移这些数据。")
    count = subtree(unit).count()
    try:
        with transaction.atomic():
            Unit.objects.filter(pk=unit.pk).delete()
    except ProtectedError:
        # Something was added to the subtree between the count and the delete.
        raise DomainError(f"无法删除“{unit.name}”:该单位及其下级单位中刚有新数据,请刷新后重试。") from None
    detail = {"path": unit.path, "units": count}
    audit_record(event=OrgEvent.UNIT_DELETED, actor=actor, request=request, obj=unit, detail=detail)
    return count


def check_paste(*, actor: User, unit: Unit, new_parent: Unit) -> None:
    """May the cut `unit` go under `new_parent`? Each refusal names both units and what to
    choose instead; the paste page asks this before it offers its button."""
    check_subordinate(actor, unit)
    check_in_scope(actor, new_parent)
    if new_parent.pk == unit.pk:
        raise DomainError(f"不能把“{unit.name}”粘贴到它自己之下。请在左侧选择另一个单位作为它的新上级,再点击“粘贴”。")
    if new_parent.is_within(unit):
        raise DomainError(
            f"不能把“{unit.name}”粘贴到它自己的下级单位“{new_parent.name}”之下。"
            f"请在左侧选择“{unit.name}”以外的单位作为它的新上级,再点击“粘贴”。"
        )
    if new_parent.path == unit.path[: -Unit.steplen]:
        raise DomainError(
            f"“{unit.name}”已经是“{new_parent.name}”的下级单位,无需粘贴。请选择另一个单位作为它的新上级。"
        )
    deepest = subtree(unit).aggregate(deepest=Max("depth"))["deepest"]
    if deepest - unit.depth + new_parent.depth + 1 > MAX_DEPTH:
        raise DomainError(
            f"粘贴到“{new_parent.name}”之下后,“{unit.name}”的下级单位将超过 {MAX_DEPTH} 级,不能粘贴。"
            "请选择级别更高的单位作为它的新上级。"
        )


@transaction.atomic
def unit_move(*, actor: User, unit: Unit, new_parent: Unit, request=None) -> Unit:
    """Cut and paste (manual 18.2.3): the unit and its subtree go under `new_parent`.
    `unit_moved` lets the reporting core return the subtree's rows to draft in this transaction."""
    unit, new_parent = _locked(unit), _locked(new_parent)
    check_paste(actor=actor, unit=unit, new_parent=new_parent)
    old_path = unit.path
    Unit.objects.move(unit, new_parent, "last-child")
    unit.refresh_from_db()
    unit_moved.send(sender=Unit, unit=unit, old_path=old_path, new_path=unit.path, actor=actor)
    audit_record(
        event=OrgEvent.UNIT_MOVED,
        actor=actor,
        request=request,
        obj=unit,
        detail={"old_path": old_path, "new_path": unit.path, "new_parent": new_parent.pk},
    )
    return unit


def check_exact_order(ordered_ids: list[int], expected_ids: set[int]) -> None:
    if len(ordered_ids) != len(set(ordered_ids)) or set(ordered_ids) != expected_ids:
        raise DomainError("列表已被他人修改,请刷新页面后重新排序。")


def display_order_cases(ordered_ids: list[int]) -> Case:
    return Case(*(When(pk=pk, then=Value(position)) for position, pk in enumerate(ordered_ids, 1)), default=Value(0))


@transaction.atomic
def unit_children_order(*, actor: User, parent: Unit, ordered_ids: list[int], request=None) -> None:
    """Sets the children's display_order; never `path`, which millions of rows copy."""
    parent = _locked(parent)
    check_in_scope(actor, parent)
    children = children_of(parent)
    check_exact_order(ordered_ids, set(children.values_list("pk", flat=True)))
    children.update(display_order=display_order_cases(ordered_ids))
    detail = {"order": ordered_ids}
    audit_record(event=OrgEvent.UNITS_ORDERED, actor=actor, request=request, obj=parent, detail=detail)


@transaction.atomic
def unit_children_order_reset(*, actor: User, parent: Unit, request=None) -> None:
    """重排单位: back to creation order, which `path` keeps."""
    parent = _locked(parent)
    check_in_scope(actor, parent)
    children_of(parent).update(display_order=0)
    audit_record(event=OrgEvent.UNITS_ORDERED, actor=actor, request=request, obj=parent, detail={"reset": True})
