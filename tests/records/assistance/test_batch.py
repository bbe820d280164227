"""批量帮扶 (manual 3.2.4): filter the formal active files the unit sees → check many → one form →
one assistance per file, owned by the acting unit, set-based (records.kit.batch)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services as approvals
from audit.models import AuditLog
from org.errors import DomainError
from records import services as file_services
from records.assistance.models import Assistance, AssistanceMeasure
from records.kit import batch
from records.models import WorkerFile
from tests.records.assistance.conftest import assistance_data, line
from tests.records.conftest import make_file

pytestmark = pytest.mark.django_db
NEGATIVE = "金额不能小于 0。"


def entry_post(**overrides) -> dict:
    """The batch entry form as a clerk fills it: the assistance's fields and two lines."""
    data = {name: getattr(value, "pk", value) for name, value in assistance_data(None).items() if name != "file"}
    data |= {"exited": "False", "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0"}
    for position, amount in ((0, "300"), (1, "200.50")):
        data |= {f"lines-{position}-{name}": getattr(value, "pk", value) for name, value in line(amount).items()}
    return data | overrides


def run(actor, files, lines=None, **data):
    return batch.record_batch_create(
        actor=actor, module=batch.declaration.get("assistance"), files=files,
        data={k: v for k, v in assistance_data(None, **data).items() if k != "file"},
        lines={1: line("300"), 2: line("200.50")} if lines is None else lines,
    )  # fmt: skip


def test_one_assistance_per_checked_file_with_its_lines_owned_by_the_acting_unit(cast):
    clerk = cast.users["street_a"]
    files = [make_file(clerk) for _ in range(3)]
    client = cast.client("street_a")
    response = client.post("/assistance/batch/", {"step": "entry", "pks": [f.pk for f in files[:2]]})
    assert response.status_code == 200 and "将为 2 名职工" in response.content.decode()
    response = client.post("/assistance/batch/", {"step": "save", "pks": [f.pk for f in files[:2]], **entry_post()})
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = Assistance.objects.order_by("file_id")
    assert [row.file_id for row in rows] == [f.pk for f in files[:2]]
    for row in rows:
        assert (row.unit, row.holder, row.report_state, row.unit_path) == (
            clerk.unit,
            clerk.unit,
            "draft",
            clerk.unit.path,
        )
        assert row.amount == Decimal("500.50")
        assert [(m.position, m.amount) for m in row.measures.all()] == [(1, 300), (2, 200.50)]
    audit = AuditLog.objects.get(event="assistance_batch_created")
    assert audit.detail["count"] == 2
    created = AuditLog.objects.filter(event="assistance_created").order_by("object_id")
    assert [(a.object_type, a.object_id, a.user_id) for a in created] == [
        ("assistance", str(row.pk), clerk.pk) for row in rows
    ]  # each row audited as its own save would be, in the batch's one statement
    assert created[0].object_repr.startswith(rows[0].file.head_name)
    page = client.get(response.url).content.decode()
    assert "已为 2 名职工增加帮扶救助信息" in page


def test_the_county_takes_the_files_reported_to_it_not_its_streets_drafts(cast):
    clerk, county = cast.users["street_a"], cast.users["county_a"]
    reported, draft = make_file(clerk), make_file(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[reported.pk])
    assert run(county, WorkerFile.objects.all()) == 1
    row = Assistance.objects.get()
    assert (row.file_id, row.unit, row.holder) == (reported.pk, county.unit, county.unit)
    assert not Assistance.objects.filter(file=draft).exists()


def test_temporary_cancelled_and_other_units_files_are_left_out_by_the_service(cast):
    clerk = cast.users["street_a"]
    formal = make_file(clerk)
    temporary = make_file(clerk, category="temporary")
    cancelled = make_file(clerk)
    file_services.file_cancel(actor=clerk, file=cancelled, reason="已脱困")
    other = make_file(cast.users["street_a2"])
    assert run(clerk, WorkerFile.objects.filter(pk__in=[formal.pk, temporary.pk, cancelled.pk, other.pk])) == 1
    assert list(Assistance.objects.values_list("file_id", flat=True)) == [formal.pk]
    with pytest.raises(DomainError, match="没有可帮扶的职工档案"):
        run(clerk, WorkerFile.objects.filter(pk=other.pk))


def test_the_same_rules_as_one_record_and_nothing_saved(cast):
    clerk = cast.users["street_a"]
    files = WorkerFile.objects.filter(pk__in=[make_file(clerk).pk, make_file(clerk).pk])
    with pytest.raises(DomainError, match="至少填写一项帮扶措施"):
        run(clerk, files, lines={})
    with pytest.raises(DomainError, match="未帮原因"):
        run(clerk, files, lines={}, helped="not_helped", form=None)
    assert run(clerk, files, lines={}, helped="not_helped", form=None, not_helped_reason="收入已超标准") == 2
    assert not AssistanceMeasure.objects.exists() and set(Assistance.objects.values_list("amount", flat=True)) == {0}


def test_bad_input_is_told_next_to_the_field_and_saves_nothing(cast):
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    data = entry_post(**{"assisted_on": "2999-01-01", "lines-0-amount": "-5", "category": ""})
    response = cast.client("street_a").post("/assistance/batch/", {"step": "save", "pks": [file.pk], **data})
    page = response.content.decode()
    assert response.status_code == 200
    assert "帮扶日期不能晚于今天。" in page and "这个字段是必填项。" in page and NEGATIVE in page
    assert not Assistance.objects.exists()
    response = cast.client("street_a").post("/assistance/batch/", {"step": "save", **entry_post()})
    assert "请先勾选要帮扶的职工" in response.content.decode() and not Assistance.objects.exists()


def test_the_filter_lists_matching_files_and_all_of_them_can_be_taken(cast):
    clerk = cast.users["street_a"]
    make_file(clerk, employer="成都机床厂")
    wanted = [make_file(clerk, employer="红旗纺织厂") for _ in range(2)]
    client = cast.client("street_a")
    page = client.post("/assistance/batch/", {"filter-employer": "红旗"}).content.decode()
    assert "共 2 份" in page and page.count('name="pks"') == 2
    response = client.post(
        "/assistance/batch/", {"filter-employer": "红旗", "step": "save", "all": "1", **entry_post()}
    )
    assert response.status_code == 302
    assert sorted(Assistance.objects.values_list("file_id", flat=True)) == [f.pk for f in wanted]


def test_an_id_number_filter_is_posted_never_in_a_url(cast):
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    make_file(clerk)
    response = cast.client("street_a").post("/assistance/batch/", {"filter-head_id_number": file.head.id_number})
    assert response.status_code == 200 and "共 1 份" in response.content.decode()


def test_the_queries_do_not_grow_with_the_number_of_files(cast):
    clerk = cast.users["street_a"]
    few = WorkerFile.objects.filter(pk__in=[make_file(clerk).pk for _ in range(2)])
    many = WorkerFile.objects.filter(pk__in=[make_file(clerk).pk for _ in range(12)])
    with CaptureQueriesContext(connection) as small:
        assert run(clerk, few) == 2
    with CaptureQueriesContext(connection) as large:
        assert run(clerk, many) == 12
    assert len(large) == len(small)
    assert AssistanceMeasure.objects.count() == 2 * 14
