"""/documents/, /briefs/, /notices/: the same pages for each kind (bulletins.kinds)."""

from django.urls import path

from bulletins import views
from bulletins.kinds import KINDS

app_name = "bulletins"

PAGES = [
    # route, view, name
    ("", views.bulletin_list, "list"),
    ("new/", views.bulletin_create, "create"),
    ("<int:pk>/", views.bulletin_detail, "detail"),
    ("<int:pk>/edit/", views.bulletin_edit, "edit"),
    ("<int:pk>/delete/", views.bulletin_delete, "delete"),
    ("<int:pk>/print/", views.bulletin_print, "print"),
    ("<int:pk>/word/", views.bulletin_word, "word"),
    ("<int:pk>/attachments/", views.attachment_add, "attachment_add"),
    ("attachments/<int:pk>/", views.attachment_download, "attachment"),
    ("attachments/<int:pk>/delete/", views.attachment_delete, "attachment_delete"),
]

urlpatterns = [
    path(f"{kind.url_prefix}/{route}", view, {"kind": kind}, name=f"{kind.key}_{name}")
    for kind in KINDS
    for route, view, name in PAGES
]
