"""The kit's generic pages and services, on 信访接待 (a module declared on it): new, edit,
delete and the record's page, with the guards of DESIGN.md §3 in one place."""

import pytest
from django.db import connection
from django.forms import DateField
from django.test.utils import CaptureQueriesContext

from approvals import services as approvals
from approvals.models import ReportState
from audit.models import AuditLog
from org.errors import DomainError
from records.kit import declaration, services, views
from records.kit.forms import record_form
from records.kit.models import NotAfterToday
from records.petitions.models import Petition
from tests.records.conftest import make_file
from tests.records.kit.conftest import make_petition, make_record, petition_data, report_with_parents

pytestmark = pytest.mark.django_db


def form_post(data: dict) -> dict:
    return {name: getattr(value, "pk", value) for name, value in data.items()}


def test_a_clerk_enters_a_petition_through_the_form(cast, petitions):
    client = cast.client("street_a")
    response = client.post(petitions.url("create"), form_post(petition_data(name="李秀英")))
    row = Petition.objects.get(name="李秀英")
    assert response.status_code == 302 and response.url == petitions.url("detail", row.pk)
    assert (row.unit, row.holder, row.report_state) == (cast.units["street_a"], cast.units["street_a"], "draft")
    assert AuditLog.objects.filter(event="petitions_created", object_id=str(row.pk)).exists()
    page = client.get(response.url).content.decode()
    assert "李秀英" in page and "信访内容" in page and "编辑" in page


def test_bad_input_is_refused_next_to_its_field_in_chinese_and_saves_nothing(cast, petitions):
    data = form_post(petition_data(received_on="2999-01-01", collective="on", visitors=1, content=""))
    response = cast.client("street_a").post(petitions.url("create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "接待日期不能晚于今天。" in page and "集体访的来访人数应至少为 2 人。" in page and "这个字段是必填项。" in page
    )
    assert not Petition.objects.exists()


def test_only_the_owner_edits_and_only_while_it_holds_the_row(cast, petitions):
    row = make_petition(cast.users["street_a"])
    assert services.can_edit(cast.users["street_a"], petitions, row)
    assert not services.can_edit(cast.users["street_a2"], petitions, row)
    approvals.report_rows(actor=cast.users["street_a"], model=Petition, pks=[row.pk])
    row.refresh_from_db()
    assert not services.can_edit(cast.users["street_a"], petitions, row)
    with pytest.raises(DomainError, match="已上报"):
        services.record_update(actor=cast.users["street_a"], module=petitions, row=row, data={"name": "改"})
    response = cast.client("street_a").get(petitions.url("edit", row.pk))
    assert response.status_code == 302  # back to the record, with the refusal as a message
    approvals.return_rows(actor=cast.users["county_a"], model=Petition, pks=[row.pk], message="请补充")
    row.refresh_from_db()
    assert row.report_state == ReportState.RETURNED and services.can_edit(cast.users["street_a"], petitions, row)
    services.record_update(actor=cast.users["street_a"], module=petitions, row=row, data={"name": "王建军"})
    assert Petition.objects.get(pk=row.pk).name == "王建军"


def test_a_list_never_offers_the_id_number_and_the_record_page_audits_the_owners_full_view(cast, petitions):
    row = make_petition(cast.users["street_a"], id_number="510107197503150038")
    approvals.report_rows(actor=cast.users["street_a"], model=Petition, pks=[row.pk])
    assert "id_number" not in {column.field for column in views.list_view(petitions).columns}
    county = cast.client("county_a").get(petitions.url("detail", row.pk)).content.decode()
    assert "510107197503150038" not in county and "510107********0038" in county
    assert not AuditLog.objects.filter(event="id_numbers_viewed").exists()
    own = cast.client("street_a").get(petitions.url("detail", row.pk)).content.decode()
    assert "510107197503150038" in own
    assert AuditLog.objects.get(event="id_numbers_viewed").detail == {"page": "detail", "module": "petitions"}


def test_delete_only_while_held_unreported(cast, petitions):
    row = make_petition(cast.users["street_a"])
    approvals.report_rows(actor=cast.users["street_a"], model=Petition, pks=[row.pk])
    response = cast.client("street_a").post(petitions.url("delete", row.pk))
    assert response.status_code == 302 and Petition.objects.filter(pk=row.pk).exists()
    draft = make_petition(cast.users["street_a"])
    cast.client("street_a").post(petitions.url("delete", draft.pk))
    assert not Petition.objects.filter(pk=draft.pk).exists()
    assert AuditLog.objects.filter(event="petitions_deleted", object_id=str(draft.pk)).exists()


def test_the_list_shows_the_declared_columns_and_the_county_sees_a_reported_row(cast, petitions):
    row = make_petition(cast.users["street_a"], name="赵敏")
    make_petition(cast.users["street_a"], name="未上报的")
    approvals.report_rows(actor=cast.users["street_a"], model=Petition, pks=[row.pk])
    page = cast.client("county_a").get(petitions.url("list")).content.decode()
    assert "赵敏" in page and "未上报的" not in page
    assert all(label in page for label in ("接待日期", "信访形式", "信访类别", "办理状态"))
    assert f'href="{petitions.url("detail", row.pk)}"' in page  # the row opens its record
    assert cast.client("province_b").get(petitions.url("detail", row.pk)).status_code == 404


@pytest.mark.parametrize("key", [module.key for module in declaration.all_modules()])
def test_a_list_page_sends_as_many_queries_for_twelve_rows_as_for_two(cast, key):  # six of the forms
    """No query per row: the columns' and the label's relations (a code's value, a legal-aid
    case's household file) come in the rows' one query."""
    module = declaration.get(key)
    client = cast.client("county_a")

    def queries_of_the_list() -> int:
        client.get(module.url("list"))  # the first request warms the session and the caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(module.url("list")).status_code == 200
        return len(captured)

    street = cast.users["street_a"]

    def rows_the_county_sees(n: int) -> None:
        """Rows of the street reported to the county (a row never reported: its parents reported)."""
        rows = [make_record(module, street) for _ in range(n)]
        if module.reported:
            approvals.report_rows(actor=street, model=module.model, pks=[row.pk for row in rows])
        else:
            for row in rows:
                report_with_parents(module, row, street)

    rows_the_county_sees(2)
    few = queries_of_the_list()
    # A statistical form is one per unit, type and period: a street has six (one of each type).
    rows_the_county_sees(4 if key == "stat_forms" else 10)
    assert queries_of_the_list() == few


@pytest.mark.parametrize("key", [m.key for m in declaration.all_modules() if "create" not in m.pages])
def test_bad_input_on_each_module_form_is_refused_in_chinese_next_to_its_fields(cast, key):
    """Every required field left empty and the event's date in the future: each is told next to
    its field, in Chinese, and nothing is saved (the household files' own form has its tests)."""
    module = declaration.get(key)
    form = record_form(module)()
    url = module.url("create")
    if module.person is not None and module.person.required:
        url += f"?file={make_file(cast.users['street_a']).pk}"
    if module.parent is not None and module.parent.entered_from_parent:  # from its parent's page only
        url += f"?{module.parent.field}={make_record(module.parent_module, cast.users['street_a']).pk}"
    event_dates = [name for name, field in form.fields.items()
                   if isinstance(field, DateField) and any(isinstance(v, NotAfterToday) for v in module.field(name).validators)]  # fmt: skip
    first_date = event_dates[0] if event_dates else None  # a vacancy has none (its 有效期至 is ahead)
    blank = next(name for name, field in form.fields.items() if field.required)  # an empty POST is no POST
    response = cast.client("street_a").post(url, {first_date: "2999-01-01"} if first_date else {blank: ""})
    assert response.status_code == 200 and not module.model.objects.exists()
    bound = response.context["form"]
    required = [name for name, field in bound.fields.items() if field.required and name != first_date]
    assert required and all(bound.errors[name][0] == "这个字段是必填项。" for name in required)
    if first_date:
        assert bound.errors[first_date] == [f"{module.label_of(first_date)}不能晚于今天。"]
    page = response.content.decode()
    assert page.count('class="field-error"') >= len(required) + bool(first_date)
