"""The module navigation of manual chapter 1: an entry shows only when the user's permissions
open it. A module adds its entry here when its pages exist."""

from dataclasses import dataclass

from django.urls import reverse

from org.models import Module


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    module: str | None = None  # None: every signed-in user
    national_admin_only: bool = False

    def opens_for(self, user) -> bool:
        if self.national_admin_only and not (user.has_module(Module.UNIT_ADMIN) and user.unit.depth == 1):
            return False
        return self.module is None or user.has_module(self.module)


NAVIGATION = [
    NavEntry("首页", "home"),
    NavEntry("提醒信息", "approvals:reminders_pending"),
    NavEntry("用户管理", "org:units", Module.UNIT_ADMIN),
    NavEntry("代码表管理", "org:code_tables", Module.UNIT_ADMIN, national_admin_only=True),
    NavEntry("帮扶中心信息", "org:help_centre"),
    NavEntry("跨区域维权", "org:directory"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    entries = []
    for entry in NAVIGATION:
        if entry.opens_for(user):
            url = reverse(entry.url_name)
            active = request.path == url or (url != "/" and request.path.startswith(url))
            entries.append({"label": entry.label, "url": url, "active": active})
    return {"nav_entries": entries}
