from django.urls import path

from forms_stats import help_centres

app_name = "forms_stats"

urlpatterns = [
    # 帮扶中心信息统计 (manual 18.3.3)
    path("help-centres/", help_centres.help_centre_statistics, name="help_centre_statistics"),
]
