from records.kit.apps import ModuleConfig


class LegalAidConfig(ModuleConfig):
    name = "records.legal_aid"
    verbose_name = "法律援助"
