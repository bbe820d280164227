"""The project's URLs plus the sample module's list page, for tests marked
@pytest.mark.urls("tests.reporting.urls")."""

from django.urls import include, path

from approvals.quick import quick_actions
from tests.reporting.views import SampleRecordListView

urlpatterns = [
    path("sample/", SampleRecordListView.as_view(), name="sample_list"),
    path("sample/quick/<str:module_key>/", quick_actions, name="sample_quick"),
    path("", include("project.urls")),
]
