"""The rules of an assistance record and its measure lines (manual 3.2.1, modules-spec §3.1):
in the service, on the form next to the field, and in the database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from approvals import services as approvals
from org.errors import DomainError
from records.assistance.models import Assistance, AssistanceMeasure, measures_text
from records.kit import services
from tests.records.assistance.conftest import assistance_data, code, line, make_assistance
from tests.records.conftest import make_file

pytestmark = pytest.mark.django_db


def post_of(data: dict, lines: dict[int, dict]) -> dict:
    form = {name: getattr(value, "pk", value) for name, value in data.items() if name != "file"}
    form |= {
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "3",
    }
    for position, values in lines.items():
        form |= {f"lines-{position - 1}-{name}": getattr(value, "pk", value) for name, value in values.items()}
    return form


def shown_measures(row) -> str:
    """帮扶措施 as a list shows the row (records.assistance.models.measures_text, in SQL)."""
    return Assistance.objects.annotate(text=measures_text()).get(pk=row.pk).text


def test_the_amount_is_the_sum_of_the_lines(cast):
    row = make_assistance(cast.users["street_a"], lines={1: line("300"), 2: line("120.50", "生活救助", "工会经费")})
    assert row.amount == Decimal("420.50")
    assert list(row.measures.values_list("position", "amount")) == [(1, Decimal("300")), (2, Decimal("120.50"))]
    assert shown_measures(row) == "医疗救助(中央财政)、生活救助(工会经费)"


def test_helped_needs_a_line_and_not_helped_none(cast):
    clerk = cast.users["street_a"]
    with pytest.raises(DomainError, match="至少填写一项帮扶措施") as refusal:
        make_assistance(clerk, lines={})
    assert refusal.value.field == "lines"
    with pytest.raises(DomainError, match="未帮扶时不能填写帮扶措施"):
        make_assistance(clerk, helped="not_helped", not_helped_reason="收入超标", form=None)
    with pytest.raises(DomainError, match="请填写未帮原因"):
        make_assistance(clerk, helped="not_helped", form=None, lines={})
    row = make_assistance(clerk, helped="not_helped", not_helped_reason="收入超标", form=None, lines={})
    assert row.amount == 0 and not Assistance.objects.exclude(pk=row.pk).exists()


def test_the_database_holds_the_rules_too(cast):
    row = make_assistance(cast.users["street_a"])
    for change in ({"helped": "not_helped"}, {"exited": True}, {"exit_on": row.assisted_on - timedelta(days=1)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Assistance.objects.filter(pk=row.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssistanceMeasure.objects.filter(assistance=row).update(amount=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssistanceMeasure.objects.filter(assistance=row).update(position=4)


def test_bad_input_on_the_form_is_told_next_to_the_field_and_saves_nothing(cast, assistance):
    client = cast.client("street_a")
    file = make_file(cast.users["street_a"])
    url = f"{assistance.url('create')}?file={file.pk}"
    cases = [
        (assistance_data(file), {1: line("-5")}, "金额不能小于 0。"),
        (assistance_data(file), {}, "已帮扶时请至少填写一项帮扶措施。"),
        (assistance_data(file, exited="True", exit_on="2026-10-01",
                         exit_method=code("exit_method")), {1: line()}, "脱困日期不能早于帮扶日期(2026-10-08)。"),
        (assistance_data(file, exited="True", exit_on=(date.today() + timedelta(days=3)).isoformat(),
                         exit_method=code("exit_method")), {1: line()}, "脱困日期不能晚于今天。"),
        (assistance_data(file, exited="True"), {1: line()}, "已脱困时请选择脱困方式。"),
        (assistance_data(file, helped="helped", form=""), {1: line()}, "已帮扶时请选择帮扶形式。"),
        (assistance_data(file), {1: {"measure": code("assistance_measure"), "amount": ""}}, "这个字段是必填项。"),
    ]  # fmt: skip
    for data, lines, message in cases:
        response = client.post(url, post_of(data, lines))
        assert response.status_code == 200, message
        assert message in response.content.decode(), message
    assert not Assistance.objects.exists() and not AssistanceMeasure.objects.exists()


def test_a_clerk_enters_assistance_with_lines_on_the_form_and_edits_them(cast, assistance):
    client = cast.client("street_a")
    file = make_file(cast.users["street_a"])
    response = client.post(f"{assistance.url('create')}?file={file.pk}",
                           post_of(assistance_data(file), {1: line("200"), 3: line("50", "送物", "社会捐助")}))  # fmt: skip
    row = Assistance.objects.get()
    assert response.status_code == 302 and row.amount == Decimal("250") and row.file == file
    assert list(row.measures.values_list("position", flat=True)) == [1, 3]
    page = client.get(assistance.url("detail", row.pk)).content.decode()
    assert "送物(社会捐助)" in page or "送物" in page
    edit = post_of(assistance_data(file), {1: line("80")})
    edit |= {"lines-INITIAL_FORMS": "0"}
    response = client.post(assistance.url("edit", row.pk), edit)
    row.refresh_from_db()
    assert response.status_code == 302 and row.amount == Decimal("80") and row.measures.count() == 1


def test_editing_after_reporting_is_refused_with_the_reason(cast, assistance):
    clerk = cast.users["street_a"]
    row = make_assistance(clerk)
    approvals.report_rows(actor=clerk, model=Assistance, pks=[row.pk])
    row.refresh_from_db()
    with pytest.raises(DomainError, match="已上报,上级退回后才能修改"):
        services.record_update(actor=clerk, module=assistance, row=row, data={"details": "改"}, lines={1: line()})


def test_a_summarized_line_is_read_only_and_its_assistance_stays(cast, assistance):
    clerk = cast.users["street_a"]
    row = make_assistance(clerk, lines={1: line("300"), 2: line("100", "生活救助")})
    AssistanceMeasure.objects.filter(assistance=row, position=1).update(summarized_in="中央财政医疗救助类实名制汇总表")
    row = Assistance.objects.get(pk=row.pk)
    services.record_update(
        actor=clerk, module=assistance, row=row, data={"details": "改"}, lines={1: line("999"), 2: line("5")}
    )
    assert list(row.measures.values_list("position", "amount")) == [(1, Decimal("300")), (2, Decimal("5"))]
    row.refresh_from_db()
    assert row.amount == Decimal("305")
    assert not services.can_delete(clerk, assistance, row)
    with pytest.raises(DomainError, match="已汇总到中央财政医疗救助类实名制汇总表,不能删除"):
        services.record_delete(actor=clerk, module=assistance, row=row)
    page = cast.client("street_a").get(assistance.url("edit", row.pk)).content.decode()
    assert "已汇总(中央财政医疗救助类实名制汇总表)" in page


def test_the_funds_hook_takes_a_line_once_and_lets_it_go(cast, assistance):
    from records.assistance.services import lines_release, lines_summarize

    row = make_assistance(cast.users["street_a"], lines={1: line("300"), 2: line("100", "生活救助")})
    first = AssistanceMeasure.objects.filter(assistance=row, position=1)
    assert lines_summarize(first, "中央财政医疗救助类实名制汇总表") == 1
    assert lines_summarize(first, "地方帮扶资金实名制汇总表") == 0  # already in a table: not taken twice
    assert first.get().summarized_in == "中央财政医疗救助类实名制汇总表"
    row = Assistance.objects.get(pk=row.pk)
    assert shown_measures(row) == "医疗救助(中央财政) 已汇总、生活救助(中央财政)" and not services.can_delete(
        cast.users["street_a"], assistance, row
    )
    assert lines_release(first) == 1
    assert services.can_delete(cast.users["street_a"], assistance, Assistance.objects.get(pk=row.pk))


def test_an_edit_that_leaves_the_lines_as_they_are_keeps_them(cast, assistance):
    clerk = cast.users["street_a"]
    row = make_assistance(clerk, lines={1: line("300"), 2: line("100", "生活救助")})
    data = post_of(assistance_data(row.file, details="补充说明"), {1: line("300"), 2: line("100", "生活救助")})
    data["lines-INITIAL_FORMS"] = "2"
    response = cast.client("street_a").post(assistance.url("edit", row.pk), data)
    row.refresh_from_db()
    assert response.status_code == 302 and row.details == "补充说明" and row.amount == Decimal("400")
    assert row.measures.count() == 2
