from records.kit.apps import ModuleConfig


class ConsultationsConfig(ModuleConfig):
    name = "records.consultations"
    verbose_name = "政策咨询"
