from django.urls import path

from approvals import views

app_name = "approvals"

urlpatterns = [
    # Reminders (manual chapter 19)
    path("", views.reminders_pending, name="reminders_pending"),
    path("all/", views.reminders_all, name="reminders_all"),
    path("decisions/", views.decisions_pending, name="decisions_pending"),
    path("<int:pk>/handle/", views.reminder_handle, name="reminder_handle"),
    path("handle/", views.reminders_handle, name="reminders_handle"),
    # The rows one report or return action moved
    path("actions/<int:pk>/rows/", views.action_rows, name="action_rows"),
    # 自定义显示选项 of a list (manual 2.7)
    path("preferences/", views.preferences, name="preferences"),
]
