import pytest

from approvals import registry
from approvals.models import ReportState
from approvals.registry import ReportingModule
from org.models import Module
from tests.reporting.models import SampleAgency, SampleRecord, SampleRecruiter

PETITIONS = ReportingModule(Module.PETITIONS, "测试记录", (SampleRecord,))
JOBS = ReportingModule(Module.JOBS, "职业介绍", (SampleAgency, SampleRecruiter))


@pytest.fixture(autouse=True)
def sample_modules():
    """The test-only reportable modules, registered for the test in place of the real modules
    of the same keys (信访接待 is declared on the kit), which come back after it."""
    keys = (PETITIONS.key, JOBS.key)
    replaced = dict.fromkeys(keys) | {m.key: m for m in registry.all_modules() if m.key in keys}
    registry.register(PETITIONS)
    registry.register(JOBS)
    yield
    for key, module in replaced.items():
        registry.unregister(key)
        if module is not None:
            registry.register(module)


def new_row(model, unit, **fields):
    row = model(**fields)
    row.place_at_owner(unit)
    row.save()
    return row


def reload(row):
    return type(row).objects.get(pk=row.pk)


def where(row) -> tuple[int, str]:
    row = reload(row)
    return row.holder_id, row.report_state


__all__ = ["new_row", "reload", "where", "ReportState", "PETITIONS", "JOBS"]
