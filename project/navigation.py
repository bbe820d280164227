"""The page frame of every signed-in page, written here rather than in base.html: the module
navigation of manual chapter 1 (an entry shows only when the user's permissions open it) and
the header's account part. The template's loops, lookups and {% url %} tags for them cost a
millisecond of CPU on every page; these strings are the same HTML. A module adds its entry to
NAVIGATION when its pages exist."""

from collections.abc import Callable
from dataclasses import dataclass

from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from org.duties import is_audit_admin, is_security_admin
from org.models import Module
from org.permissions import is_user_admin, may_maintain_code_tables
from project.links import fixed_url
from project.renderers import text


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
    NavEntry("困难职工档案", "records:files", holding(Module.FILES)),
    NavEntry("农民工档案", "records:files_migrant", holding(Module.FILES)),
    NavEntry("临时救助档案", "records:files_temporary", holding(Module.FILES)),
    NavEntry("批量导出", "records:exports", holding(Module.UNIT_ADMIN)),
    NavEntry("用户管理", "org:units", is_user_admin),
    NavEntry("高级档案管理", "records:manage", holding(Module.UNIT_ADMIN)),
    NavEntry("代码表管理", "org:code_tables", may_maintain_code_tables),
    NavEntry("安全管理", "org:security", is_security_admin),
    NavEntry("审计日志", "org:audit_log", is_audit_admin),
    NavEntry("帮扶中心信息", "org:help_centre"),
    NavEntry("跨区域维权", "org:directory"),
]


def navigation(request):
    """`home_url` on every page; for a signed-in user also `nav_entries` (label, url, active),
    `nav_html` (the side navigation's items), `whoami_html` and `account_html` (the header)."""
    home = {"home_url": fixed_url("home")}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return home
    entries = [{"label": e.label, "url": fixed_url(e.url_name)} for e in NAVIGATION if e.opens_for(user)]
    # The active entry is the longest URL the page lies under: /files/migrant/ is 农民工档案,
    # not 困难职工档案 at /files/.
    matches = [
        e["url"] for e in entries if request.path == e["url"] or (e["url"] != "/" and request.path.startswith(e["url"]))
    ]
    active = max(matches, key=len, default=None)
    for entry in entries:
        entry["active"] = entry["url"] == active
    return {
        **home,
        "nav_entries": entries,
        "nav_html": SimpleLazyObject(lambda: nav_html(entries)),
        "whoami_html": SimpleLazyObject(lambda: whoami_html(user)),
        "account_html": SimpleLazyObject(lambda: account_html(request)),
    }


def nav_html(entries: list[dict]) -> str:
    current = ' aria-current="page" class="active"'
    return mark_safe(
        "\n      ".join(
            f'<li><a href="{text(e["url"])}"{current if e["active"] else ""}>{text(e["label"])}</a></li>'
            for e in entries
        )
    )


def whoami_html(user) -> str:
    """The user's unit (its level on hover) and name."""
    unit = user.unit
    return mark_safe(
        f'<span class="unit-badge" title="{text(unit.level_name)}">{text(unit.name)}</span>\n'
        f"    <span>{text(str(user))}</span>"
    )


def account_html(request) -> str:
    """我的动态口令, 修改密码 and 退出 (a POST with the CSRF token, as {% csrf_token %} writes it)."""
    return mark_safe(
        f'<a href="{fixed_url("org:second_factor_manage")}">我的动态口令</a>\n'
        f'    <a href="{fixed_url("org:password_change")}">修改密码</a>\n'
        f'    <form method="post" action="{fixed_url("logout")}" class="inline">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{text(get_token(request))}">'
        f'<button type="submit" class="link">退出</button></form>'
    )
