"""The kit's parent/child declarations (declaration.Parent) and shared permissions, on the
test-only reportable models of an agency and its recruiters (tests.reporting), declared on the
kit for the test: which parent rows a unit may add a child to, no child without a parent, a
parent with children not deleted (the manual's 删除失败,当前机构下有信息), the reporting module
the two share, and a child reported before its parent refused with the declared message."""

import pytest

from approvals import registry
from approvals import services as approvals
from approvals.models import ReportState
from org.errors import DomainError
from org.models import Module
from records.kit import declaration, services, wiring
from records.kit.declaration import ListKind, Parent, RecordModule, Section
from tests.reporting.models import SampleAgency, SampleRecruiter

pytestmark = pytest.mark.django_db


def _declared(key, label, model, parent=None) -> RecordModule:
    return RecordModule(
        key=key, label=label, model=model, permission=Module.JOBS, parent=parent,
        form_fields=["name", *([parent.field] if parent else [])], list_columns=["name"],
        sheet=[Section(label, ["name"])], lists=[ListKind("list", label, nav=False)],  # no route, no nav entry
    )  # fmt: skip


@pytest.fixture
def jobs(monkeypatch):
    """An agency module and its recruiters on the kit, sharing 职业介绍 (the real modules of that
    permission, if any, come back after the test)."""
    replaced = registry.find(Module.JOBS)
    registry.unregister(Module.JOBS)
    agencies = declaration.register(_declared("sample_agencies", "测试职介机构", SampleAgency))
    recruiters = declaration.register(
        _declared("sample_recruiters", "测试招聘单位", SampleRecruiter, Parent("agency", "sample_agencies"))
    )
    monkeypatch.setattr(SampleRecruiter, "report_parent_message", "此招聘单位信息不允许先被上报")
    yield agencies, recruiters
    for module in (agencies, recruiters):
        declaration._modules.pop(module.key)
    registry.unregister(Module.JOBS)
    if replaced is not None:
        registry.register(replaced)


def test_modules_of_one_permission_move_in_one_reporting_module_parent_first(jobs):
    agencies, recruiters = jobs
    shared = registry.get(Module.JOBS)
    assert shared.models == (SampleAgency, SampleRecruiter)
    assert shared.label == "职业介绍"
    assert agencies.permission == recruiters.permission == Module.JOBS
    assert wiring.EVENTS["sample_recruiters"].CREATED.label == "新增测试招聘单位"  # the key stays the audit key


def test_a_child_goes_only_to_a_parent_of_the_own_unit(cast, jobs):
    agencies, recruiters = jobs
    street, other = cast.users["street_a"], cast.users["street_a2"]
    own = services.record_create(actor=street, module=agencies, data={"name": "劳务市场"})
    theirs = services.record_create(actor=other, module=agencies, data={"name": "人才中心"})
    assert list(services.parent_rows(street, recruiters)) == [own]
    assert services.may_add_child(street, recruiters, own)
    assert not services.may_add_child(street, recruiters, theirs)
    with pytest.raises(DomainError) as refused:
        services.record_create(actor=street, module=recruiters, data={"name": "机床厂", "agency": theirs})
    assert refused.value.field == "agency"
    assert not SampleRecruiter.objects.exists()


def test_no_child_without_a_parent(cast, jobs):
    _agencies, recruiters = jobs
    with pytest.raises(DomainError, match="请先选择") as refused:
        services.record_create(actor=cast.users["street_a"], module=recruiters, data={"name": "机床厂"})
    assert refused.value.field == "agency"


def test_a_parent_with_children_is_not_deleted_with_the_manuals_message(cast, jobs):
    agencies, recruiters = jobs
    street = cast.users["street_a"]
    agency = services.record_create(actor=street, module=agencies, data={"name": "劳务市场"})
    recruiter = services.record_create(actor=street, module=recruiters, data={"name": "机床厂", "agency": agency})
    assert services.delete_refusal(agencies, agency) == "删除失败,当前机构下有信息"
    assert not services.can_delete(street, agencies, agency)
    with pytest.raises(DomainError, match="删除失败,当前机构下有信息"):
        services.record_delete(actor=street, module=agencies, row=agency)
    services.record_delete(actor=street, module=recruiters, row=recruiter)
    services.record_delete(actor=street, module=agencies, row=agency)
    assert not SampleAgency.objects.exists()


def test_a_child_reported_before_its_parent_is_refused_with_the_declared_message(cast, jobs):
    agencies, recruiters = jobs
    street = cast.users["street_a"]
    agency = services.record_create(actor=street, module=agencies, data={"name": "劳务市场"})
    recruiter = services.record_create(actor=street, module=recruiters, data={"name": "机床厂", "agency": agency})
    result = approvals.report_rows(actor=street, model=SampleRecruiter, pks=[recruiter.pk])
    assert result.moved == 0
    assert [r.reason for r in result.refused] == ["此招聘单位信息不允许先被上报"]
    quick = approvals.quick_report(actor=street, module_key=Module.JOBS, scope=street.unit)
    assert quick.moved == 2  # the agency first, then its recruiter, in one action
    recruiter.refresh_from_db()
    assert recruiter.report_state == ReportState.REPORTED
