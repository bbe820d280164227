"""实名制汇总表 (manual 14.2–14.3, modules-spec §14.2): a table's rows are assistance measure lines,
each in one table at most; the picker offers only eligible ones; a line in a table is 已汇总 and
locked in assistance; removing it or deleting the draft table releases it."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from approvals import services as approvals
from funds import selectors, services
from funds.models import FundSummary, FundSummaryLine
from org.errors import DomainError
from records.kit import services as kit_services
from records.kit.declaration import get
from tests.funds.conftest import make_assistance, make_summary

pytestmark = pytest.mark.django_db


def offered(summary):
    return set(selectors.eligible_lines(summary).values_list("pk", flat=True))


def test_the_picker_offers_only_eligible_lines(cast):
    clerk = cast.users["street_a"]
    summary = make_summary(clerk)  # 2026, central, 医疗救助类
    good = make_assistance(clerk)
    wrong_measure = make_assistance(clerk, measure="生活救助")
    wrong_source = make_assistance(clerk, source="地方财政")
    wrong_year = make_assistance(clerk, on=date(2025, 5, 1))
    sibling = make_assistance(cast.users["street_a2"])
    assert offered(summary) == {good.pk}
    assert {wrong_measure.pk, wrong_source.pk, wrong_year.pk, sibling.pk}.isdisjoint(offered(summary))
    local_other = make_summary(clerk, scope="local", category="other")
    gift = make_assistance(clerk, measure="送物", source="社会捐助")
    assert offered(local_other) == {gift.pk}


def test_a_line_enters_one_table_and_is_locked_in_assistance(cast):
    clerk = cast.users["street_a"]
    central = make_summary(clerk)
    local = make_summary(clerk, scope="local")
    line = make_assistance(clerk, amount="300")
    other = make_assistance(clerk, amount="200")
    assert services.summary_lines_add(actor=clerk, summary=central, measure_ids=[line.pk, other.pk]) == 2
    central.refresh_from_db()
    line.refresh_from_db()
    assert central.total == Decimal("500") and line.summarized_in.endswith(f"(第{central.pk}号)")
    assert line.pk not in offered(local)
    with pytest.raises(DomainError):
        services.summary_lines_add(actor=clerk, summary=local, measure_ids=[line.pk])
    assistance = get("assistance")
    assert "已汇总" in kit_services.delete_refusal(assistance, line.assistance)
    with pytest.raises(IntegrityError), transaction.atomic():
        FundSummaryLine.objects.create(summary=local, measure=line)  # the database keeps the one-table rule


def test_the_database_keeps_a_line_in_a_table_of_its_year(cast):
    clerk = cast.users["street_a"]
    line = make_assistance(clerk, on=date(2025, 5, 1))
    with pytest.raises(DatabaseError, match="another year"), transaction.atomic():
        FundSummaryLine.objects.create(summary=make_summary(clerk, year=2026), measure=line)


def test_removing_a_row_or_deleting_the_draft_table_releases_the_line(cast):
    clerk = cast.users["street_a"]
    summary = make_summary(clerk)
    line, other = make_assistance(clerk, amount="300"), make_assistance(clerk, amount="200")
    services.summary_lines_add(actor=clerk, summary=summary, measure_ids=[line.pk, other.pk])
    row = summary.lines.get(measure=line)
    services.summary_line_remove(actor=clerk, summary=summary, line_id=row.pk)
    line.refresh_from_db()
    summary.refresh_from_db()
    assert line.summarized_in == "" and summary.total == Decimal("200")
    kit_services.record_delete(actor=clerk, module=get("funds"), row=summary)
    other.refresh_from_db()
    assert other.summarized_in == "" and not FundSummary.objects.exists()


def test_rows_change_only_while_the_owner_holds_the_table(cast):
    clerk = cast.users["street_a"]
    summary = make_summary(clerk)
    line = make_assistance(clerk)
    approvals.report_rows(actor=clerk, model=FundSummary, pks=[summary.pk])
    with pytest.raises(DomainError, match="已上报"):
        services.summary_lines_add(actor=clerk, summary=summary, measure_ids=[line.pk])
    with pytest.raises(DomainError):
        services.summary_lines_add(actor=cast.users["county_a"], summary=summary, measure_ids=[line.pk])


def test_a_central_table_has_no_other_category(cast):
    with pytest.raises(DomainError) as refused:
        make_summary(cast.users["street_a"], category="other")
    assert refused.value.field == "category"


def test_the_pages_add_print_excel_and_remove(cast):
    clerk = cast.users["street_a"]
    summary = make_summary(clerk)
    line = make_assistance(clerk, amount="300")
    client = cast.client("street_a")
    pick = client.get(reverse("funds:lines", args=[summary.pk]))
    assert f'value="{line.pk}"' in pick.content.decode()
    assert client.post(reverse("funds:lines", args=[summary.pk]), {"measure": "abc"}).status_code == 200
    response = client.post(reverse("funds:lines", args=[summary.pk]), {"measure": [line.pk]})
    assert response.status_code == 302
    detail = client.get(reverse("funds:detail", args=[summary.pk])).content.decode()
    assert "300.00" in detail and "增加新的职工" in detail
    printed = client.get(reverse("funds:print", args=[summary.pk])).content.decode()
    assert "签字" in printed and "300.00" in printed
    excel = client.get(reverse("funds:excel", args=[summary.pk]))
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    row = summary.lines.get()
    client.post(reverse("funds:line_remove", args=[summary.pk]), {"line": row.pk})
    assert not summary.lines.exists()


def test_the_summary_statistics_by_area_and_category(cast):
    clerk, clerk2 = cast.users["street_a"], cast.users["street_a2"]
    for actor, amount in ((clerk, "300"), (clerk2, "100")):
        summary = make_summary(actor)
        services.summary_lines_add(actor=actor, summary=summary, measure_ids=[make_assistance(actor, amount=amount).pk])
        approvals.report_rows(actor=actor, model=FundSummary, pks=[summary.pk])
    response = cast.client("county_a").get(reverse("funds:summary_statistics"), {"year": 2026, "scope": "central"})
    table = response.context["table"]
    assert table.totals.total == [2, Decimal("400")]
    bad = cast.client("county_a").get(reverse("funds:summary_statistics"), {"year": "abc", "scope": "central"})
    assert bad.context["table"] is None and "年份应为整数" in bad.content.decode()
