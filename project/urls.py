from django.contrib.auth import views as auth_views
from django.urls import include, path

from bulletins.views import home
from org.views import account
from records.kit import declaration
from records.kit.urls import patterns_for

urlpatterns = [
    path("", home, name="home"),
    path("login/", account.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("files/", include("records.urls")),
    path("", include("org.urls")),
    path("reminders/", include("approvals.urls")),
    path("statistics/", include("forms_stats.urls")),
    path("", include("bulletins.urls")),
    path("fund-ledger/", include("funds.urls")),
    *(path(f"{module.url_prefix}/", include(patterns_for(module))) for module in declaration.all_modules()),
]

handler400 = "org.views.pages.bad_request"
handler403 = "org.views.pages.permission_denied"
handler404 = "org.views.pages.page_not_found"
handler500 = "org.views.pages.server_error"
