from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = "流程"

    def ready(self):
        from approvals import processes
        from flows import signals  # noqa: F401  (keeps a deleted user's tasks)
        from flows.flows import ReportUpFlow, ReturnDownFlow

        # The engine starts the reminder process of each report and return action through
        # these, without importing this app (DESIGN §2).
        processes.register_start(processes.REPORT, ReportUpFlow.start.run)
        processes.register_start(processes.RETURN, ReturnDownFlow.start.run)
