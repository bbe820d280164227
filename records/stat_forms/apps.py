from importlib import import_module

from records.kit.apps import ModuleConfig


class StatFormsConfig(ModuleConfig):
    name = "records.stat_forms"
    label = "stat_forms"
    verbose_name = "报表管理"

    def ready(self):
        super().ready()
        import_module("records.stat_forms.reminders")  # a reported form's reminders close
