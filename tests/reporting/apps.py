from django.apps import AppConfig


class ReportingTestsConfig(AppConfig):
    name = "tests.reporting"
    label = "reporting_tests"
    verbose_name = "上报引擎测试模块"
