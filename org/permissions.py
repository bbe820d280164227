"""Module-permission checks for views: missing permission is 403, out-of-scope objects are 404."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from org.models import Module


def require_module(user, module: Module | str) -> None:
    """403 unless the user holds the module. Views acting on one object look the object up in
    the user's scope first (404 outside it) and call this second (DESIGN.md §5.3)."""
    if not user.has_module(module):
        raise PermissionDenied(f"需要“{Module(module).label}”权限。")


def module_required(module: Module):
    """For pages without a target object: 403 unless the user holds the module."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_module(request.user, module)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def national_admin_required(view):
    """Code tables are maintained only by the national unit's admin (manual 18.1)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.has_module(Module.UNIT_ADMIN) and user.unit.depth == 1):
            raise PermissionDenied("只有全国总工会的用户管理员才能维护代码表。")
        return view(request, *args, **kwargs)

    return wrapped
