"""Module-permission checks for views: missing permission is 403, out-of-scope objects are 404."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from org.models import Module


def module_required(module: Module):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_module(module):
                raise PermissionDenied(f"需要“{module.label}”权限。")
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
