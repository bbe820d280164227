from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "业务记录"

    def ready(self):
        from approvals import registry
        from approvals.registry import ReportingModule
        from org.models import Module
        from records.models import WorkerFile

        registry.register(ReportingModule(Module.FILES, "职工档案", (WorkerFile,)))
