"""The module navigation of manual chapter 1: an entry shows only when the user's permissions
open it. A module adds its entry here when its pages exist."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

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
    NavEntry("困难职工档案", "records:files", Module.FILES),
    NavEntry("农民工档案", "records:files_migrant", Module.FILES),
    NavEntry("临时救助档案", "records:files_temporary", Module.FILES),
    NavEntry("批量导出", "records:exports", Module.UNIT_ADMIN),
    NavEntry("用户管理", "org:units", Module.UNIT_ADMIN),
    NavEntry("高级档案管理", "records:manage", Module.UNIT_ADMIN),
    NavEntry("代码表管理", "org:code_tables", Module.UNIT_ADMIN, national_admin_only=True),
    NavEntry("帮扶中心信息", "org:help_centre"),
    NavEntry("跨区域维权", "org:directory"),
]


@lru_cache(maxsize=8)
def _urls(script_prefix: str, urlconf) -> dict[str, str]:
    """The entries' URLs, reversed once per script prefix (reverse() puts it in front) and URLconf."""
    return {entry.url_name: reverse(entry.url_name) for entry in NAVIGATION}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    urls = _urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    entries = [
        {"label": e.label, "url": urls.get(e.url_name) or reverse(e.url_name)} for e in NAVIGATION if e.opens_for(user)
    ]
    # The active entry is the longest URL the page lies under: /files/migrant/ is 农民工档案,
    # not 困难职工档案 at /files/.
    matches = [
        e["url"] for e in entries if request.path == e["url"] or (e["url"] != "/" and request.path.startswith(e["url"]))
    ]
    active = max(matches, key=len, default=None)
    for entry in entries:
        entry["active"] = entry["url"] == active
    return {"nav_entries": entries}
