"""The error pages (Chinese, no stack traces, never a bare 500). The home page is bulletins'
(it shows notices and briefs, which org must not import)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


def _error(request, status: int, title: str, text: str):
    return render(request, "error.html", {"status": status, "title": title, "text": text}, status=status)


@login_not_required
def bad_request(request, exception=None):
    return _error(request, 400, "请求无效", "提交的内容无法识别,请返回上一页重试。")


@login_not_required
def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else "您没有执行此操作的权限。"
    return _error(request, 403, "没有权限", reason)


@login_not_required
def page_not_found(request, exception=None):
    # A few 404s carry a message meant for the user (a file merged away); others say no more.
    if getattr(exception, "user_message", False):
        return _error(request, 404, "页面不存在", str(exception))
    return _error(request, 404, "页面不存在", "您访问的页面或数据不存在,或不在本单位的管辖范围内。")


@login_not_required
def server_error(request):
    # Rendered without the request context on purpose: the failure may lie in that context.
    return render(request, "500.html", status=500)
