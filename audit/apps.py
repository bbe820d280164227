from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from audit import signals  # noqa: F401  (connects the sign-in receivers)

        # Every app's events.py registers its event kinds (audit.events): the viewer lists them.
        autodiscover_modules("events")
