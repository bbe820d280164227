"""The ledger's pages (收支明细), under /fund-ledger/; the summary tables are the kit's (/funds/)."""

from django.urls import path

from funds import statistics, views

app_name = "ledger"

urlpatterns = [
    path("", views.ledger_page, name="entries"),
    path("print/", views.ledger_print, name="print"),
    path("excel/", views.ledger_excel, name="excel"),
    path("new/<str:direction>/", views.ledger_entry_new, name="new"),
    path("<int:pk>/reverse/", views.ledger_entry_reverse, name="reverse"),
    path("statistics/", statistics.fund_statistics, name="statistics"),
]
