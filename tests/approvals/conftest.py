import pytest

from approvals import registry
from approvals.models import ReportState
from approvals.registry import ReportingModule
from org.models import Module
from tests.reporting.models import SampleRecord

PETITIONS = ReportingModule(Module.PETITIONS, "测试记录", (SampleRecord,))


@pytest.fixture(autouse=True)
def sample_modules():
    """The test-only flat reportable module, registered for the test in place of the real module
    of the same key (信访接待 is declared on the kit), which comes back after it. Parents and
    children are the real job agencies and recruiters (records.jobs, 职业介绍)."""
    keys = (PETITIONS.key,)
    replaced = dict.fromkeys(keys) | {m.key: m for m in registry.all_modules() if m.key in keys}
    registry.register(PETITIONS)
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


__all__ = ["new_row", "reload", "where", "ReportState", "PETITIONS"]
