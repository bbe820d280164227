"""职业介绍 (a record module on the kit, records.kit): agencies → recruiters → vacancies, job
seekers → recommendations, and the matching of seekers and vacancies."""

from records.kit.apps import ModuleConfig


class JobsConfig(ModuleConfig):
    name = "records.jobs"
    verbose_name = "职业介绍"
