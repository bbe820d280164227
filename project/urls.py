from django.contrib.auth import views as auth_views
from django.urls import include, path

from org.views import account
from project import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", account.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("files/", include("records.urls")),
    path("", include("org.urls")),
    path("reminders/", include("approvals.urls")),
]

handler400 = "project.views.bad_request"
handler403 = "project.views.permission_denied"
handler404 = "project.views.page_not_found"
handler500 = "project.views.server_error"
