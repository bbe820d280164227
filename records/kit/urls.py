"""The URLs of one declared module, under its prefix and namespace (/petitions/ → petitions:…)."""

from django.urls import path

from approvals.quick import quick_actions
from records.kit import views
from records.kit.pages import RECORD, Page, add_pages, pages_of

add_pages(
    Page("list", "", None),
    Page("quick", "quick/", None, when=lambda module: module.reported),
    Page("create", "new/", views.record_create),
    Page("detail", "<int:pk>/", views.record_detail, target=RECORD),
    Page("edit", "<int:pk>/edit/", views.record_edit, target=RECORD, when=lambda module: module.editable),
    Page("delete", "<int:pk>/delete/", views.record_delete, "post", target=RECORD),
)


def _view(page: Page, module):
    if page.name in module.pages:
        return module.pages[page.name]
    kind = next((kind for kind in module.list_kinds if module.list_url_name(kind) == page.name), None)
    if kind is not None:
        return views.list_view(module, kind.key).as_view()
    if page.name == "quick":
        return lambda request: quick_actions(request, module_key=module.permission)
    return lambda request, **kwargs: page.view(request, module, **kwargs)


def patterns_for(module) -> tuple[list, str]:
    """include() of one module: its URL patterns and namespace."""
    return [path(page.route, _view(page, module), name=page.name) for page in pages_of(module)], module.key
