"""Module permissions as Django permissions, so `user.has_perm("org.module_files")` and
viewflow's task queues understand them without a Permission row per user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()

MODULE_PERMISSION_PREFIX = "org.module_"


def module_permission(module: str) -> str:
    return MODULE_PERMISSION_PREFIX + module


class ModulePermissionBackend(ModelBackend):
    def get_user(self, user_id):
        # Every page shows the user's unit and first sign-in checks it: both in one query.
        try:
            user = UserModel._default_manager.select_related("unit").get(pk=user_id)
        except (UserModel.DoesNotExist, TypeError, ValueError):
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return {module_permission(m) for m in user_obj.modules}

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)
