"""Reporting modules: which reportable models move together under which permission.

A record module registers itself once (in its AppConfig.ready); the list pages, the quick
report/return pages, the inbox and unit moves then work from this registry alone.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportingModule:
    key: str  # an org.models.Module value: the permission that moves these rows
    label: str  # e.g. 困难职工档案; the reminder's subject says "<label>上报数据"
    models: tuple  # Reportable subclasses; a parent model comes before its child models

    def subject(self, kind_label: str) -> str:
        return f"{self.label}{kind_label}数据"


_modules: dict[str, ReportingModule] = {}


def register(module: ReportingModule) -> None:
    for model in module.models:
        if model.reporting_module != module.key:
            raise ValueError(f"{model.__name__}.reporting_module must be {module.key!r}")
    _modules[module.key] = module


def unregister(key: str) -> None:
    _modules.pop(key, None)


def get(key: str) -> ReportingModule:
    return _modules[key]


def all_modules() -> list[ReportingModule]:
    return list(_modules.values())


def all_models() -> list:
    return [model for module in _modules.values() for model in module.models]


def find(key: str) -> ReportingModule | None:
    return _modules.get(key)


# Models whose rows are never reported (approvals.models.Unreported): they have no place in a
# reporting module, but a unit moved in the tree rewrites their paths too.
_unreported: list = []


def register_unreported(model) -> None:
    if model not in _unreported:
        _unreported.append(model)


def unreported_models() -> list:
    return list(_unreported)
