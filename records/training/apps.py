"""技能培训 (manual ch. 8): 培训机构 → 培训班 → 培训学员, record modules on the kit (records.kit)."""

from records.kit.apps import ModuleConfig


class TrainingConfig(ModuleConfig):
    name = "records.training"
    verbose_name = "技能培训"
