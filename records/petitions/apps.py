from records.kit.apps import ModuleConfig


class PetitionsConfig(ModuleConfig):
    name = "records.petitions"
    verbose_name = "信访接待"
