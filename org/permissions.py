"""Module-permission checks for views: missing permission is 403, out-of-scope objects are 404."""

from functools import partial

from django.core.exceptions import PermissionDenied

from org.duties import is_system_admin, requiring
from org.models import Module


def require_module(user, module: Module | str) -> None:
    """403 unless the user holds the module. Views acting on one object look the object up in
    the user's scope first (404 outside it) and call this second (DESIGN.md §5.3)."""
    if not user.has_module(module):
        raise PermissionDenied(f"需要“{Module(module).label}”权限。")


def module_required(module: Module):
    """For pages without a target object: 403 unless the user holds the module."""
    return requiring(partial(require_module, module=module))


def is_user_admin(user) -> bool:
    """用户管理 of the own unit's subtree: its unit admin (manual 18.2) or, for the whole
    subtree of their unit, the system administrator (三员), who holds no business module."""
    return user.has_module(Module.UNIT_ADMIN) or is_system_admin(user)


def require_user_admin(user) -> None:
    if not is_user_admin(user):
        raise PermissionDenied("需要“用户管理”权限。")


user_admin_required = requiring(require_user_admin)


def may_maintain_code_tables(user) -> bool:
    """Code tables are kept by the national unit's user administration (manual 18.1): its
    unit admin or the system administrator."""
    return is_user_admin(user) and user.unit.depth == 1


def require_code_table_maintainer(user) -> None:
    if not may_maintain_code_tables(user):
        raise PermissionDenied("只有全国总工会的用户管理员或系统管理员才能维护代码表。")


national_admin_required = requiring(require_code_table_maintainer)
