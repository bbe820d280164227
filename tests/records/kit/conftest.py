"""Rows of the kit's modules for tests: a petition as a clerk would enter it, and a row of any
declared module."""

import itertools
import random
from datetime import date

import pytest

from approvals import services as approvals
from org.models import Code
from records.kit import services
from records.kit.declaration import get
from records.kit.demo import codes_by_table
from records.models import WorkerFile
from tests.records.conftest import make_file


def petition_data(**overrides) -> dict:
    codes = {key: Code.objects.filter(table__key=key).first() for key in ("petition_channel", "petition_category")}
    data = {
        "received_on": date(2026, 11, 2), "name": "王建国", "gender": "M", "channel": codes["petition_channel"],
        "category": codes["petition_category"], "content": "反映拖欠工资。", "visitors": 1,
    }  # fmt: skip
    return data | overrides


def make_petition(actor, **overrides):
    return services.record_create(actor=actor, module=get("petitions"), data=petition_data(**overrides))


@pytest.fixture
def petitions():
    return get("petitions")


_MADE = itertools.count()  # each record its own index (a statistical form: its own year)


def make_record(module, actor, **overrides):
    """A row of any declared module, from its demo_row (a row `make run` would show); a module
    whose rows belong to a household file gets a new file of the actor's unit. The household
    files, whose own services write them, are made by those. A child module's row gets a new
    parent row of the actor's (declaration.Parent) unless `overrides` gives one."""
    if module.model is WorkerFile:
        return make_file(actor, **overrides)
    data = module.demo_row(random.Random(7), next(_MADE), codes_by_table())
    lines = data.pop("lines", None)
    if module.person is not None and module.person.required:
        data[module.person.field] = make_file(actor)
    if module.parent is not None and module.parent.field not in overrides:
        data[module.parent.field] = make_record(module.parent_module, actor)
    return services.record_create(actor=actor, module=module, data=data | overrides, lines=lines)


def report_with_parents(module, row, actor) -> None:
    """The row reported by its owner, its parent rows first (a recruiter after its agency); a
    row never reported: the reportable rows above it (a vacancy's recruiter: it is then locked)."""
    if module.parent is not None:
        report_with_parents(module.parent_module, getattr(row, module.parent.field), actor)
    if module.reported:
        approvals.report_rows(actor=actor, model=module.model, pks=[row.pk])
