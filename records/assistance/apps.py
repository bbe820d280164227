from records.kit.apps import ModuleConfig


class AssistanceConfig(ModuleConfig):
    name = "records.assistance"
    verbose_name = "帮扶救助"
