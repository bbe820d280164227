from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "上报与审批"

    def ready(self):
        from approvals import signals  # noqa: F401  (connects the unit-move receiver)
