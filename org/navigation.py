"""The module navigation of manual chapter 1: an entry shows only when the user's permissions
open it (base.html shows the entries). The record modules of the kit add theirs through
`add_module_entry` (records.kit.wiring), after 提醒信息."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from org.duties import is_audit_admin, is_security_admin
from org.models import Module
from org.permissions import is_user_admin, may_maintain_code_tables


def holding(module: str) -> Callable:
    return lambda user: user.has_module(module)


@dataclass(frozen=True)
class NavEntry:
    """An entry opens for the users its predicate admits: the same predicate the page's own
    permission check asks (org.permissions, org.duties), so entry and page never disagree."""

    label: str
    url_name: str
    opens: Callable | None = None  # None: every signed-in user

    def opens_for(self, user) -> bool:
        return self.opens is None or self.opens(user)


NAVIGATION = [
    NavEntry("首页", "home"),
    NavEntry("提醒信息", "approvals:reminders_pending"),
    # the kit's record modules come here (household files first), in the order they are declared
    NavEntry("批量导出", "records:exports", holding(Module.UNIT_ADMIN)),
    NavEntry("用户管理", "org:units", is_user_admin),
    NavEntry("高级档案管理", "records:manage", holding(Module.UNIT_ADMIN)),
    NavEntry("代码表管理", "org:code_tables", may_maintain_code_tables),
    NavEntry("安全管理", "org:security", is_security_admin),
    NavEntry("审计日志", "org:audit_log", is_audit_admin),
    NavEntry("帮扶中心信息", "org:help_centre"),
    NavEntry("跨区域维权", "org:directory"),
]


_MODULE_ENTRIES_AFTER = "提醒信息"
_module_entries: list[NavEntry] = []


def add_module_entry(entry: NavEntry) -> None:
    """A record module's entry, after the entries of the modules added before it."""
    if any(existing.url_name == entry.url_name for existing in NAVIGATION):
        return
    after = (
        NAVIGATION.index(_module_entries[-1])
        if _module_entries
        else next(i for i, e in enumerate(NAVIGATION) if e.label == _MODULE_ENTRIES_AFTER)
    )
    NAVIGATION.insert(after + 1, entry)
    _module_entries.append(entry)


def navigation(request):
    """`nav_entries` (label, url, active) for a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    entries = [{"label": e.label, "url": reverse(e.url_name)} for e in NAVIGATION if e.opens_for(user)]
    # The active entry is the longest URL the page lies under: /files/migrant/ is 农民工档案,
    # not 困难职工档案 at /files/.
    matches = [
        e["url"] for e in entries if request.path == e["url"] or (e["url"] != "/" and request.path.startswith(e["url"]))
    ]
    active = max(matches, key=len, default=None)
    for entry in entries:
        entry["active"] = entry["url"] == active
    return {"nav_entries": entries}
