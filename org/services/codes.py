"""Writes of the code tables (manual 18.1): add, rename, delete and order values.

Every error is a ValidationError whose message a union clerk can read; views put it next to
the field. Only the national unit's admin reaches these services (views check it).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from audit.services import audit_record
from org.events import OrgEvent
from org.models import Code, CodeTable, User
from org.services.protection import protected_references

VALUE_MAX_LENGTH = Code._meta.get_field("value").max_length


def _clean_value(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError("请输入代码值。")
    if len(value) > VALUE_MAX_LENGTH:
        raise ValidationError(f"代码值最多 {VALUE_MAX_LENGTH} 个字。")
    return value


def _duplicate_error(value: str) -> ValidationError:
    return ValidationError(f"本代码表中已有“{value}”。")


def _save_unique(code: Code, **save_kwargs) -> None:
    """Save inside a savepoint so a concurrent duplicate becomes a message, not an error page."""
    if Code.objects.filter(table_id=code.table_id, value=code.value).exclude(pk=code.pk).exists():
        raise _duplicate_error(code.value)
    try:
        with transaction.atomic():
            code.save(**save_kwargs)
    except IntegrityError:
        raise _duplicate_error(code.value) from None


def _audit(*, actor: User, request, code: Code, action: str, **detail) -> None:
    audit_record(
        event=OrgEvent.CODE_CHANGED,
        actor=actor,
        request=request,
        obj=code,
        detail={"action": action, "table": code.table.key, "value": code.value, **detail},
    )


@transaction.atomic
def code_add(*, actor: User, table: CodeTable, value: str, request=None) -> Code:
    """Append a value at the end of its table."""
    last = table.codes.aggregate(last=models.Max("display_order"))["last"] or 0
    code = Code(table=table, value=_clean_value(value), display_order=last + 1)
    _save_unique(code)
    _audit(actor=actor, request=request, code=code, action="add")
    return code


@transaction.atomic
def code_rename(*, actor: User, code: Code, value: str, request=None) -> Code:
    old_value = code.value
    code.value = _clean_value(value)
    if code.value != old_value:
        _save_unique(code, update_fields=["value"])
        _audit(actor=actor, request=request, code=code, action="rename", old_value=old_value)
    return code


def _in_use_error(code: Code, count: int) -> ValidationError:
    return ValidationError(f"“{code.value}”正在被 {count} 条记录使用,不能删除。")


@transaction.atomic
def code_delete(*, actor: User, code: Code, request=None) -> None:
    """Delete a value no record uses. Record models protect the values they use."""
    count = sum(protected_references(Code.objects.filter(pk=code.pk)).values())
    if count:
        raise _in_use_error(code, count)
    _audit(actor=actor, request=request, code=code, action="delete")
    try:
        with transaction.atomic():
            code.delete()
    except models.ProtectedError as error:
        # A record took the value between the count and the delete.
        raise _in_use_error(code, len(error.protected_objects)) from None


@transaction.atomic
def codes_order(*, actor: User, table: CodeTable, code_ids: list[int], request=None) -> None:
    """Put the table's values in the given order; the list must name each value exactly once."""
    codes = {code.pk: code for code in table.codes.select_for_update()}
    if sorted(code_ids) != sorted(codes):
        raise ValidationError("代码值已被他人修改,请刷新页面后重新排序。")
    for order, pk in enumerate(code_ids, start=1):
        codes[pk].display_order = order
    Code.objects.bulk_update(codes.values(), ["display_order"])
    audit_record(
        event=OrgEvent.CODE_CHANGED,
        actor=actor,
        request=request,
        obj=table,
        detail={"action": "order", "table": table.key},
    )
